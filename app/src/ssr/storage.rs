//! Uploaded files, stored through `object_store`: a local directory by default, any
//! S3-compatible bucket by configuration. Keys carry the file extension, from which the
//! content type is served, so no store needs to keep attributes.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{path::Path, ObjectStore, PutPayload};

use super::pictures;
use crate::accounts::rules::ImageKind;
use crate::error::{AppError, Problem};
use crate::ui::picture::{original_of, sized, WIDTHS};

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
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether a file is stored at `key`, without reading it.
    pub async fn exists(&self, key: &str) -> Result<bool, object_store::Error> {
        match self.store.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(e) if is_missing(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Stores the picture in `body` under `{dir}/{random}.{extension}`, with its copies
    /// (an error on `field` if it is not a picture the site shows); returns the original's key.
    pub async fn put_image(&self, body: Bytes, field: &str, dir: &str) -> Result<String, AppError> {
        let kind =
            ImageKind::sniff(&body).ok_or_else(|| AppError::invalid(field, Problem::NotAnImage))?;
        let key = format!("{dir}/{}.{}", super::random_hex(12), kind.extension());
        self.put_picture(&key, body)
            .await
            .map_err(|e| e.on(field))?;
        Ok(key)
    }

    /// Stores the picture in `body` under `key` and its copies beside it: the copies first, so
    /// that a picture whose key is known can always be shown.
    pub async fn put_picture(&self, key: &str, body: Bytes) -> Result<(), PictureError> {
        self.put_copies(key, body.clone()).await?;
        self.put(key, body).await?;
        Ok(())
    }

    async fn put_copies(&self, key: &str, body: Bytes) -> Result<(), PictureError> {
        for copy in pictures::copies(body, pictures::Frame::of(key)).await? {
            self.put(&sized(key, copy.width), copy.webp.into()).await?;
        }
        Ok(())
    }

    /// Makes the copies of the picture at `key` if it has none: it was stored before copies
    /// existed. Whether it made them.
    pub async fn make_missing_copies(&self, key: &str) -> Result<bool, PictureError> {
        // The narrowest copy is written last.
        if self.exists(&sized(key, WIDTHS[0])).await? {
            return Ok(false);
        }
        let Some(file) = self.get(key).await? else {
            return Ok(false);
        };
        self.put_copies(key, file.bytes).await?;
        // Replaced while its copies were made: `delete_picture` found none to delete.
        if !self.exists(key).await? {
            self.delete_picture(key).await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Deletes the picture at `key` and its copies: the original first, so that nothing
    /// can make the copies again from it.
    pub async fn delete_picture(&self, key: &str) -> Result<(), object_store::Error> {
        self.delete(key).await?;
        for width in WIDTHS {
            self.delete(&sized(key, width)).await?;
        }
        Ok(())
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

/// Whether `/media` may serve the file at `key` to anyone: a copy of a picture in a public
/// folder. Originals are never served: their metadata may say where a photo was taken.
pub fn is_public(key: &str) -> bool {
    PUBLIC_DIRS.iter().any(|dir| key.starts_with(dir))
        && original_of(key).is_some()
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

/// Whether `e` says there is no file at the key: not found, or (on a local disk) a key that
/// goes through a file as if it were a folder.
fn is_missing(e: &object_store::Error) -> bool {
    match e {
        object_store::Error::NotFound { .. } => true,
        object_store::Error::Generic { source, .. } => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
            while let Some(error) = cause {
                let io = error.downcast_ref::<std::io::Error>();
                if io.is_some_and(|io| io.kind() == std::io::ErrorKind::NotADirectory) {
                    return true;
                }
                cause = error.source();
            }
            false
        }
        _ => false,
    }
}

/// Why a picture was not stored: the upload's fault, or the store's.
#[derive(Debug)]
pub enum PictureError {
    Refused(Problem),
    Store(object_store::Error),
}

impl PictureError {
    /// The error to answer, with the refusal on `field`.
    pub fn on(self, field: &str) -> AppError {
        match self {
            Self::Refused(problem) => AppError::invalid(field, problem),
            Self::Store(e) => super::internal(e),
        }
    }
}

impl From<Problem> for PictureError {
    fn from(problem: Problem) -> Self {
        Self::Refused(problem)
    }
}

impl From<object_store::Error> for PictureError {
    fn from(e: object_store::Error) -> Self {
        Self::Store(e)
    }
}
