// The migrations are embedded in the binary (`embed_migrations!`): rebuild when one changes,
// which Cargo does not notice by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=askama.toml");
}
