//! Which blob store an archive uses is read from `rightsdoc.toml` (`blobs`); an archive
//! without the key (every archive made before it) keeps its files in `blobs/`.

use rightsdoc_archive::Archive;
use std::fs;

#[test]
fn a_local_archive_has_no_blobs_key_and_uses_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let archive = Archive::init(&dir, "tester").unwrap();
    let config = fs::read_to_string(dir.join("rightsdoc.toml")).unwrap();
    assert!(!config.contains("blobs"), "{config}");
    assert_eq!(archive.blobs_url(), None);
    assert_eq!(
        archive.blobs().location(),
        dir.join("blobs").display().to_string()
    );
    assert!(dir.join("blobs").is_dir());
}

#[test]
fn an_s3_url_in_the_config_is_opened_without_touching_the_network() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    drop(Archive::init(&dir, "tester").unwrap());
    let path = dir.join("rightsdoc.toml");
    let local = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{local}blobs = \"s3://evidence/org\"\n")).unwrap();
    let opened = Archive::open(&dir, "tester");
    #[cfg(feature = "s3")]
    {
        let archive = opened.unwrap();
        assert_eq!(archive.blobs_url(), Some("s3://evidence/org"));
        assert_eq!(archive.blobs().location(), "s3://evidence/org");
    }
    #[cfg(not(feature = "s3"))]
    {
        let err = opened.err().unwrap().to_string();
        assert!(err.contains("without S3 support"), "{err}");
    }

    fs::write(&path, format!("{local}blobs = \"gs://evidence/org\"\n")).unwrap();
    let err = Archive::open(&dir, "tester").err().unwrap().to_string();
    assert!(
        err.contains("rightsdoc.toml") && err.contains("s3://BUCKET/PREFIX"),
        "{err}"
    );
}
