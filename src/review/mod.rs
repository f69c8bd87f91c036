//! Review: a reviewer's decisions on flagged beads, interactive or imported.
