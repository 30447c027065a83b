#![no_main]

mod harness {
    // Each target uses its own part of the shared harness.
    #![allow(dead_code)]
    include!("../harness.rs");
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::handout_toml(data));
