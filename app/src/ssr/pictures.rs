//! Uploaded pictures made into the copies pages show ([`crate::ui::picture`]): decoded
//! within pixel and memory limits (a corrupt file or a pixel bomb is refused before it costs
//! memory), turned upright as the camera meant, scaled down and written as lossy WebP without
//! any metadata. CPU-heavy, so run on the blocking pool, a few at a time.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use tokio::sync::Semaphore;

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

/// The copies of the picture in `bytes`, one per [`WIDTHS`], or why it cannot be shown.
pub async fn copies(bytes: bytes::Bytes) -> Result<Vec<Copy>, Problem> {
    let _turn = AT_ONCE.acquire().await.map_err(|_| Problem::NotAnImage)?;
    tokio::task::spawn_blocking(move || make_copies(&bytes))
        .await
        .map_err(|_| Problem::NotAnImage)?
}

fn make_copies(bytes: &[u8]) -> Result<Vec<Copy>, Problem> {
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
    let orientation = decoder.orientation().map_err(refused)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    picture.apply_orientation(orientation);

    let mut copies = Vec::with_capacity(WIDTHS.len());
    // Widest first, each made from the one before: scaling 1280 px down to 640 costs a
    // fraction of scaling the 12-megapixel original again.
    for &width in WIDTHS.iter().rev() {
        if picture.width() > width {
            let height = (u64::from(picture.height()) * u64::from(width))
                .div_ceil(u64::from(picture.width()));
            picture = picture.resize_exact(width, height as u32, FilterType::CatmullRom);
        }
        copies.push(Copy {
            width,
            webp: webp(&picture)?,
        });
    }
    Ok(copies)
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

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn size_of(webp: &[u8]) -> (u32, u32) {
        ImageReader::new(Cursor::new(webp))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap()
    }

    #[test]
    fn copies_are_webp_at_each_width_and_never_enlarged() {
        let copies = make_copies(&png(900, 300)).unwrap();
        let sizes: Vec<_> = copies.iter().map(|c| (c.width, size_of(&c.webp))).collect();
        assert_eq!(
            sizes,
            [
                (1280, (900, 300)),
                (640, (640, 214)),
                (320, (320, 107)),
                (160, (160, 54))
            ]
        );
        assert!(copies.iter().all(|c| &c.webp[8..12] == b"WEBP"));
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
        assert_eq!(make_copies(&bomb).err(), too_many);
        assert_eq!(make_copies(&png(MAX_SIDE + 1, 1)).err(), too_many);
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
            assert_eq!(make_copies(bytes).err(), Some(Problem::NotAnImage));
        }
    }
}
