//! Embed the demo data set (data/demo/*.json) so `rightsdoc demo` works from any folder.
use std::{env, fs, path::Path};

fn main() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
    println!("cargo:rerun-if-changed={}", demo.display());
    let mut files: Vec<_> = fs::read_dir(&demo)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut code = String::from(
        "/// The demo data files: (name, JSON text).\npub const DEMO_FILES: &[(&str, &str)] = &[\n",
    );
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.canonicalize().unwrap()
        ));
    }
    code.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("demo_files.rs"),
        code,
    )
    .unwrap();
}
