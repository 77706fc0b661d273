//! Asking a quiz in the terminal.
