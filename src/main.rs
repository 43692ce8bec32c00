//! The `callboard` binary: the server and the operator CLI.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    callboard::cli::main().await
}
