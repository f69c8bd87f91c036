//! Benchmark: segment (placeholder).

fn main() {}
