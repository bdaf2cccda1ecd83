//! The retention-period and location parsers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privdoc::fuzzing::period_and_location(data));
