//! Benchmark: check (placeholder).

fn main() {}
