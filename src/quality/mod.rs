//! Quality checks: a registry of checks that flag what a human must look at.
