fn main() {
    todo!("placeholder")
}
