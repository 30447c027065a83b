fn main() -> std::process::ExitCode {
    handout::cli::main()
}
