//! Benchmark: align (placeholder).

fn main() {}
