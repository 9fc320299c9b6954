//! Rebuilds the crate when a translation file changes: `load_locales!` reads them at compile
//! time but cannot tell cargo so itself.

fn main() {
    println!("cargo::rerun-if-changed=locales");
}
