//! Uploaded files, stored through `object_store`: a local directory by default, any
//! S3-compatible bucket by configuration. Keys carry the file extension, from which the
//! content type is served, so no store needs to keep attributes.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{path::Path, ObjectStore, PutPayload};

use crate::accounts::rules::ImageKind;
use crate::error::{AppError, Problem};

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

pub struct StoredFile {
    pub bytes: Bytes,
    pub content_type: &'static str,
}

impl Storage {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), object_store::Error> {
        self.store
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
    }

    /// The file at `key`, or `None` if there is none.
    pub async fn get(&self, key: &str) -> Result<Option<StoredFile>, object_store::Error> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => Ok(Some(StoredFile {
                bytes: found.bytes().await?,
                content_type: content_type_of(key),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether a file is stored at `key`, without reading it.
    pub async fn exists(&self, key: &str) -> Result<bool, object_store::Error> {
        match self.store.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Stores `body` under `{dir}/{random}.{extension}` if its bytes are an image of a kind
    /// the site serves (an error on `field` if not); returns the key.
    pub async fn put_image(&self, body: Bytes, field: &str, dir: &str) -> Result<String, AppError> {
        let kind =
            ImageKind::sniff(&body).ok_or_else(|| AppError::invalid(field, Problem::NotAnImage))?;
        let key = format!("{dir}/{}.{}", super::random_hex(12), kind.extension());
        self.put(&key, body).await.map_err(super::internal)?;
        Ok(key)
    }

    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// The folders whose files anyone may see: pictures shown on public pages. Everything else
/// (a deal's delivered files above all) is private and only ever sent by the code that checks
/// who asks.
const PUBLIC_DIRS: [&str; 3] = ["avatars/", "products/", "events/"];

/// Whether `/media` may serve the file at `key` to anyone: an image in a public folder.
pub fn is_public(key: &str) -> bool {
    PUBLIC_DIRS.iter().any(|dir| key.starts_with(dir))
        && content_type_of(key).starts_with("image/")
        && !key.split('/').any(|part| part.is_empty() || part == "..")
}

/// Where the file stored under `key` is served to browsers.
pub fn media_url(key: &str) -> String {
    format!("/media/{key}")
}

fn content_type_of(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "application/octet-stream",
    }
}
