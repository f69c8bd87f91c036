//! Integration tests: the real `tarjama` binary in temporary folders, and real HTTP servers on
//! 127.0.0.1 standing in for the translation services. One test binary, so it links once.

mod align;
mod cli;
mod coverage;
mod embeddings;
mod embeddings_real;
mod hardening;
mod judge;
mod mock_http;
mod output;
mod providers;
mod quality;
mod quality_numbers;
mod review;
mod run;
mod segment;
mod serve;
mod swapped;
mod translate;
mod util;
