//! The `callboard` binary: the server and the operator CLI.

/// Rendering a page allocates and frees many small strings on every worker
/// thread; glibc's allocator spent about a quarter of the server's CPU on
/// that under load (BENCHMARKS.md, issue 4), mimalloc much less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    callboard::cli::main().await
}
