//! Benchmark: translate (placeholder).

fn main() {}
