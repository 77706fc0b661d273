//! Known-bad programs live in tests/mutants and tests/hostile; this library is empty.
