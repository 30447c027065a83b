fn main() -> std::process::ExitCode {
    keep_freed_memory();
    handout::cli::main()
}

/// Raises glibc's threshold for serving allocations by `mmap` from 128 KiB to 1 MiB, the
/// way glibc itself does after freeing a block that size: it moves its threshold up to
/// the size of any mapped block freed. Without this, the TOML parser's two largest
/// buffers for the bundled handout (its tokens and events, about 500 KiB) are mapped,
/// unmapped when parsing ends, and the memory layout and rendering need next is mapped
/// and faulted in afresh; with it, they reuse the same pages. Each first touch of a page costs the kernel a fault (about 4 µs
/// on the benchmark machine), and a brief takes about 30 fewer. Other allocators ignore
/// the hint: it is one allocation and one free.
fn keep_freed_memory() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(1 << 20)));
}
