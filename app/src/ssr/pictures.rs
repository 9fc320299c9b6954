//! Uploaded pictures made into the copies pages show ([`crate::ui::picture`]): decoded
//! within pixel and memory limits (a corrupt file or a pixel bomb is refused before it costs
//! memory), turned upright as the camera meant, scaled down and written as lossy WebP without
//! any metadata. CPU-heavy, so run on the blocking pool, a few at a time.

use std::io::Cursor;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use tokio::sync::Semaphore;

use crate::accounts::rules::ImageKind;
use crate::error::Problem;
use crate::ui::picture::WIDTHS;

/// The most pixels a picture may have: 50 million is a phone's full-resolution photo, and
/// decoded it takes 200 MB.
pub const MAX_MEGAPIXELS: u32 = 50;

/// The longest side a picture may have (WebP's own limit, so every copy can be written).
const MAX_SIDE: u32 = 16_383;

/// What the decoder may hold at once: a 50-megapixel picture with an alpha channel.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// 80 keeps photos free of visible artefacts at a third of the size of a JPEG at 90.
const QUALITY: f32 = 80.0;

/// Pictures decoded at once: each may take a core and a few hundred megabytes.
static AT_ONCE: Semaphore = Semaphore::const_new(2);

/// One copy of a picture: its width and its WebP bytes.
pub struct Copy {
    pub width: u32,
    pub webp: Vec<u8>,
}

/// The frame every page shows a picture in, by the folder it is kept in: event covers are
/// banners (12:5), avatars and products squares. Copies are cut to it (centred, as the pages'
/// `object-fit: cover` did), so that their widths are the widths shown and no byte is spent
/// on what a page would crop away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    Square,
    Banner,
}

impl Frame {
    pub fn of(key: &str) -> Self {
        if key.starts_with("events/") {
            Self::Banner
        } else {
            Self::Square
        }
    }

    /// The height of a copy `width` pixels wide (rounded as [`Frame::crop`] rounds).
    fn height(self, width: u32) -> u32 {
        match self {
            Self::Square => width,
            Self::Banner => (width * 5 / 12).max(1),
        }
    }

    /// The largest part of a picture of `width` × `height` in this frame, centred: its left,
    /// top, width and height.
    fn crop(self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let (w, h) = match self {
            Self::Square => (width.min(height), width.min(height)),
            Self::Banner if u64::from(width) * 5 >= u64::from(height) * 12 => {
                ((height * 12 / 5).max(1), height)
            }
            Self::Banner => (width, (width * 5 / 12).max(1)),
        };
        ((width - w) / 2, (height - h) / 2, w, h)
    }

    /// [`Frame::crop`] of a picture stored `width` × `height` and shown turned by
    /// `orientation`, in stored pixels.
    fn crop_stored(
        self,
        width: u32,
        height: u32,
        orientation: Orientation,
    ) -> (u32, u32, u32, u32) {
        let quarter_turn = matches!(
            orientation,
            Orientation::Rotate90
                | Orientation::Rotate270
                | Orientation::Rotate90FlipH
                | Orientation::Rotate270FlipH
        );
        if quarter_turn {
            let (left, top, w, h) = self.crop(height, width);
            (top, left, h, w)
        } else {
            self.crop(width, height)
        }
    }
}

/// The copies of the picture in `bytes` framed as `frame`, one per [`WIDTHS`], or why it
/// cannot be shown.
pub async fn copies(bytes: bytes::Bytes, frame: Frame) -> Result<Vec<Copy>, Problem> {
    let turn = AT_ONCE.acquire().await.map_err(|_| Problem::NotAnImage)?;
    // The turn is the decoding's, not the request's: a client that hangs up must not free
    // it while the work goes on.
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        make_copies(&bytes, frame)
    })
    .await
    .map_err(|_| Problem::NotAnImage)?
}

/// Makes the copies of every picture stored before copies existed, one at a time; returns
/// how many it made. Run once at start-up: a page only ever asks for copies, and making them
/// when first asked would let anyone make the server decode on demand.
pub async fn make_missing_copies(db: &super::Db, storage: &super::Storage) -> Result<u64, String> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT avatar_key FROM users WHERE avatar_key IS NOT NULL
         UNION ALL SELECT storage_key FROM product_images
         UNION ALL SELECT cover_key FROM live_events WHERE cover_key IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let mut made = 0;
    for key in keys {
        match storage.make_missing_copies(&key).await {
            Ok(true) => made += 1,
            Ok(false) => {}
            // A picture the site can no longer read keeps showing nothing, as its missing
            // copies did.
            Err(e) => tracing::warn!(key, "no copies of this picture: {e:?}"),
        }
    }
    Ok(made)
}

fn make_copies(bytes: &[u8], frame: Frame) -> Result<Vec<Copy>, Problem> {
    if ImageKind::sniff(bytes) == Some(ImageKind::Jpeg) && !jpeg_is_whole(bytes) {
        return Err(Problem::NotAnImage);
    }
    let too_many = Problem::TooManyPixels {
        max_megapixels: MAX_MEGAPIXELS,
    };
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| Problem::NotAnImage)
    };
    // The header first: the size is known before a byte of pixels is allocated.
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|_| Problem::NotAnImage)?;
    if width == 0
        || height == 0
        || width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > u64::from(MAX_MEGAPIXELS) * 1_000_000
    {
        return Err(too_many);
    }
    let mut reader = reader()?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let refused = |e: ImageError| match e {
        ImageError::Limits(_) => too_many,
        _ => Problem::NotAnImage,
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    // Not every decoder counts its output against `max_alloc` (16-bit PNGs take 8 bytes a
    // pixel): the decoded size is checked here, before it is allocated.
    if decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(too_many);
    }
    let orientation = decoder.orientation().map_err(refused)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    // Eight bits a channel is all WebP keeps: half the memory for what follows.
    if picture.color().bytes_per_pixel() > 4 {
        picture = DynamicImage::ImageRgba8(picture.to_rgba8());
    }
    // Cut to the frame before turning and scaling, so that neither works on what is cut away.
    // A centred cut commutes with turns and flips; a quarter turn swaps the frame's sides.
    let (w, h) = (picture.width(), picture.height());
    let (left, top, width, height) = frame.crop_stored(w, h, orientation);
    if (width, height) != (w, h) {
        picture = picture.crop_imm(left, top, width, height);
    }
    picture.apply_orientation(orientation);

    let mut copies = Vec::with_capacity(WIDTHS.len());
    // Widest first, each made from the one before: scaling 1280 px down to 640 costs a
    // fraction of scaling the 12-megapixel original again. A picture narrower than a width
    // gives that width its own size: enlarging would only add bytes.
    for &width in WIDTHS.iter().rev() {
        let fits = width.min(picture.width());
        let height = frame.height(fits);
        if (picture.width(), picture.height()) != (fits, height) {
            picture = picture.resize_exact(fits, height, FilterType::CatmullRom);
        }
        copies.push(Copy {
            width,
            webp: webp(&picture)?,
        });
    }
    Ok(copies)
}

/// Whether a JPEG goes on to its end marker after its first scan: decoders fill a file cut
/// short with grey instead of failing. Segments are walked by their lengths up to the scan,
/// so a thumbnail's own markers inside the metadata do not count; inside the scan an 0xFF byte
/// is always escaped, so the end marker cannot appear by chance.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let mut at = 2;
    while let Some(&[0xFF, marker, high, low]) = bytes.get(at..at + 4) {
        let end = at + 2 + usize::from(u16::from_be_bytes([high, low]));
        match marker {
            // Fill bytes before a marker.
            0xFF => at += 1,
            0xDA => {
                return bytes
                    .get(end..)
                    .is_some_and(|scan| memchr::memmem::find(scan, &[0xFF, 0xD9]).is_some())
            }
            _ => at = end,
        }
    }
    false
}

fn webp(picture: &DynamicImage) -> Result<Vec<u8>, Problem> {
    let (width, height) = (picture.width(), picture.height());
    let encoded = if picture.color().has_alpha() {
        let rgba = picture.to_rgba8();
        webp::Encoder::from_rgba(&rgba, width, height).encode_simple(false, QUALITY)
    } else {
        let rgb = picture.to_rgb8();
        webp::Encoder::from_rgb(&rgb, width, height).encode_simple(false, QUALITY)
    };
    encoded
        .map(|memory| memory.to_vec())
        .map_err(|_| Problem::NotAnImage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        encoded(width, height, ImageFormat::Png)
    }

    fn size_of(webp: &[u8]) -> (u32, u32) {
        ImageReader::new(Cursor::new(webp))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap()
    }

    fn sizes(bytes: &[u8], frame: Frame) -> Vec<(u32, (u32, u32))> {
        let copies = make_copies(bytes, frame).unwrap();
        assert!(copies.iter().all(|c| &c.webp[8..12] == b"WEBP"));
        copies.iter().map(|c| (c.width, size_of(&c.webp))).collect()
    }

    #[test]
    fn copies_are_cut_to_their_frame_and_never_enlarged() {
        let landscape = png(900, 300);
        assert_eq!(
            sizes(&landscape, Frame::Square),
            [
                (1280, (300, 300)),
                (640, (300, 300)),
                (320, (300, 300)),
                (160, (160, 160))
            ]
        );
        assert_eq!(
            sizes(&landscape, Frame::Banner),
            [
                (1280, (720, 300)),
                (640, (640, 266)),
                (320, (320, 133)),
                (160, (160, 66))
            ]
        );
        assert_eq!(
            sizes(&png(2000, 3000), Frame::Square)[0],
            (1280, (1280, 1280))
        );
        assert_eq!(sizes(&png(1, 1), Frame::Banner)[3], (160, (1, 1)));
    }

    #[test]
    fn a_picture_turned_a_quarter_is_cut_in_its_stored_pixels() {
        // Stored 300 × 900, shown 900 × 300: the banner is 720 × 300 shown, 300 × 720 stored.
        assert_eq!(
            Frame::Banner.crop_stored(300, 900, Orientation::Rotate90),
            (0, 90, 300, 720)
        );
        assert_eq!(
            Frame::Banner.crop_stored(900, 300, Orientation::Rotate180),
            (90, 0, 720, 300)
        );
        assert_eq!(
            Frame::Square.crop_stored(300, 900, Orientation::Rotate270FlipH),
            (0, 300, 300, 300)
        );
    }

    #[test]
    fn a_jpeg_cut_short_is_not_a_picture() {
        let whole = encoded(64, 48, ImageFormat::Jpeg);
        assert!(make_copies(&whole, Frame::Square).is_ok());
        for cut in [whole.len() - 2, whole.len() / 2, 200] {
            assert_eq!(
                make_copies(&whole[..cut], Frame::Square).err(),
                Some(Problem::NotAnImage),
                "cut at {cut} of {}",
                whole.len()
            );
        }
    }

    /// CRC-32 as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_pixel_bomb_is_refused_from_its_header() {
        // A PNG that says it is 20,000 × 20,000 (1.6 GB decoded; such a file of one colour
        // weighs a few hundred kilobytes): refused from its IHDR, before any pixel is read.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        let too_many = Some(Problem::TooManyPixels {
            max_megapixels: MAX_MEGAPIXELS,
        });
        assert_eq!(make_copies(&bomb, Frame::Square).err(), too_many);
        assert_eq!(
            make_copies(&png(MAX_SIDE + 1, 1), Frame::Banner).err(),
            too_many
        );
    }

    #[test]
    fn corrupt_and_truncated_files_are_not_pictures() {
        let whole = png(64, 64);
        for bytes in [
            &b"<svg onload=alert(1)>"[..],
            &whole[..whole.len() / 2],
            &whole[..8],
            &[],
        ] {
            assert_eq!(
                make_copies(bytes, Frame::Square).err(),
                Some(Problem::NotAnImage)
            );
        }
    }
}
