//! Profiles, follows, avatars and authorisation, through HTTP.

use crate::common::spawn_app;
use app::accounts::types::{BrandPage, Network, Niche, Profile, Settings};
use app::error::{AppError, Problem};
use reqwest::StatusCode;

const PNG: &[u8] = include_bytes!("../../demo/lea.png");

#[tokio::test]
async fn a_creator_fills_the_profile_and_it_shows_publicly() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "ines").await;
    let _: () = app
        .call_ok(
            &client,
            "update_profile",
            &[
                ("display_name", "Inès"),
                ("bio", "Soins & <b>maquillage</b>"),
                ("niches[]", "beauty"),
                ("niches[]", "fashion"),
                ("niches[]", "not-a-niche"),
                ("instagram", "12 500"),
                ("tiktok", ""),
            ],
        )
        .await;
    let visitor = app.client();
    let profile: Profile = app
        .call_ok(&visitor, "profile", &[("handle", "ines")])
        .await;
    assert_eq!(profile.display_name, "Inès");
    assert_eq!(profile.bio, "Soins & <b>maquillage</b>");
    assert_eq!(profile.niches, vec![Niche::Beauty, Niche::Fashion]);
    assert_eq!(profile.networks.len(), 1);
    assert_eq!(
        (profile.networks[0].network, profile.networks[0].followers),
        (Network::Instagram, 12_500)
    );
    assert!(!profile.viewer_is_owner);

    let page = visitor.get(app.url("/@ines")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Inès"));
    assert!(
        html.contains("Soins &amp; &lt;b&gt;maquillage&lt;/b&gt;"),
        "bio is escaped"
    );
    assert!(!html.contains("<b>maquillage</b>"));
}

#[tokio::test]
async fn profile_input_errors_name_their_field_and_change_nothing() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "jade").await;
    let err = app
        .call_err(
            &client,
            "update_profile",
            &[("display_name", "Jade"), ("bio", ""), ("youtube", "lots")],
        )
        .await;
    assert_eq!(err, AppError::invalid("youtube", Problem::InvalidNumber));
    let err = app
        .call_err(
            &client,
            "update_profile",
            &[("display_name", "Jade"), ("bio", ""), ("tiktok", "1,5")],
        )
        .await;
    assert_eq!(
        err,
        AppError::invalid("tiktok", Problem::InvalidNumber),
        "1,5 is not read as 15"
    );
    let long_bio = "x".repeat(501);
    let err = app
        .call_err(
            &client,
            "update_profile",
            &[("display_name", "Jade"), ("bio", &long_bio)],
        )
        .await;
    assert_eq!(err, AppError::invalid("bio", Problem::TooLong { max: 500 }));
    let err = app
        .call_err(
            &client,
            "update_profile",
            &[("display_name", "  "), ("bio", "")],
        )
        .await;
    assert_eq!(err, AppError::invalid("display_name", Problem::Required));
    let settings: Settings = app.call_ok(&client, "settings", &[]).await;
    assert_eq!(settings.user.display_name, "Test Person");
}

#[tokio::test]
async fn nobody_edits_someone_else() {
    let app = spawn_app().await;
    let alice = app.client();
    app.sign_up(&alice, "creator", "alice").await;
    let mallory = app.client();
    app.sign_up(&mallory, "creator", "mallory").await;

    // Server functions act on the caller only: there is no id to tamper with, and extra
    // fields are ignored.
    let _: () = app
        .call_ok(
            &mallory,
            "update_profile",
            &[
                ("display_name", "Hacked"),
                ("bio", ""),
                ("handle", "alice"),
                ("user_id", "1"),
            ],
        )
        .await;
    let profile: Profile = app
        .call_ok(&app.client(), "profile", &[("handle", "alice")])
        .await;
    assert_eq!(profile.display_name, "Test Person");

    let anonymous = app.client();
    assert_eq!(
        app.call_err(
            &anonymous,
            "update_profile",
            &[("display_name", "X"), ("bio", "")]
        )
        .await,
        AppError::Unauthenticated
    );
    assert_eq!(
        app.call_err(&anonymous, "settings", &[]).await,
        AppError::Unauthenticated
    );
    assert_eq!(
        app.call_err(
            &mallory,
            "update_brand",
            &[
                ("company_name", "Acme"),
                ("slug", "acme"),
                ("website", ""),
                ("description", "")
            ]
        )
        .await,
        AppError::Forbidden,
        "only brands have brand details"
    );
    let upload = anonymous
        .post(app.url("/api/avatar"))
        .body(PNG)
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_brand_edits_its_page() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "brand", "lumen").await;
    let edit = |website: &'static str| {
        [
            ("company_name", "Maison Lumen"),
            ("slug", "maison-lumen"),
            ("website", website),
            ("description", "Candles poured in Lyon."),
        ]
    };
    assert_eq!(
        app.call_err(&client, "update_brand", &edit("javascript:alert(1)"))
            .await,
        AppError::invalid("website", Problem::InvalidUrl)
    );
    let _: () = app
        .call_ok(&client, "update_brand", &edit("maison-lumen.fr"))
        .await;
    let page: BrandPage = app
        .call_ok(&app.client(), "brand", &[("slug", "maison-lumen")])
        .await;
    assert_eq!(page.company_name, "Maison Lumen");
    assert_eq!(page.website, "https://maison-lumen.fr");
    let old = app
        .client()
        .get(app.url("/brands/lumen"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::NOT_FOUND,
        "the old slug is free again"
    );
}

#[tokio::test]
async fn follows_count_once_and_need_a_creator() {
    let app = spawn_app().await;
    app.sign_up(&app.client(), "creator", "kim").await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "leo").await;
    for _ in 0..2 {
        let _: () = app
            .call_ok(&fan, "follow", &[("handle", "kim"), ("follow", "true")])
            .await;
    }
    let profile: Profile = app.call_ok(&fan, "profile", &[("handle", "kim")]).await;
    assert_eq!(profile.followers, 1);
    assert!(profile.viewer_follows);
    assert_eq!(
        app.call_err(&fan, "follow", &[("handle", "leo"), ("follow", "true")])
            .await,
        AppError::NotFound,
        "fans cannot be followed"
    );
    let _: () = app
        .call_ok(&fan, "follow", &[("handle", "kim"), ("follow", "false")])
        .await;
    let profile: Profile = app.call_ok(&fan, "profile", &[("handle", "kim")]).await;
    assert_eq!(profile.followers, 0);
}

#[tokio::test]
async fn avatars_are_checked_from_their_bytes_and_bounded() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "mona").await;

    let response = client
        .post(app.url("/api/avatar"))
        .body(b"<svg onload=alert(1)>".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: AppError = response.json().await.unwrap();
    assert_eq!(err, AppError::invalid("avatar", Problem::NotAnImage));

    let mut huge = PNG.to_vec();
    huge.resize(6 * 1024 * 1024, 0);
    let response = client
        .post(app.url("/api/avatar"))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let err: AppError = response.json().await.unwrap();
    assert_eq!(
        err,
        AppError::invalid("avatar", Problem::TooLarge { max_kib: 5120 })
    );

    let response = client
        .post(app.url("/api/avatar"))
        .body(PNG)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    let url = body["avatar_url"].as_str().unwrap().to_owned();
    for width in app::ui::picture::WIDTHS {
        let copy = app::ui::picture::sized(&url, width);
        let image = client.get(app.url(&copy)).send().await.unwrap();
        assert_eq!(image.status(), StatusCode::OK, "{copy}");
        assert_eq!(image.headers()["content-type"], "image/webp");
        assert_eq!(image.headers()["x-content-type-options"], "nosniff");
        let bytes = image.bytes().await.unwrap();
        assert_eq!(&bytes[8..12], b"WEBP");
        assert!(bytes.len() < PNG.len(), "{copy}: {} bytes", bytes.len());
    }
    let original = client.get(app.url(&url)).send().await.unwrap();
    assert_eq!(
        original.status(),
        StatusCode::NOT_FOUND,
        "the original (and whatever its metadata says) is kept, not served"
    );
    let me = app.me(&client).await.unwrap();
    assert_eq!(me.avatar_url.as_deref(), Some(url.as_str()));

    // A file that says it is a picture and is not one, or one too large to decode, is refused
    // with its reason, and the avatar stays as it was.
    let truncated = PNG[..PNG.len() / 2].to_vec();
    for (body, problem) in [
        (truncated, Problem::NotAnImage),
        (
            pixel_bomb(),
            Problem::TooManyPixels {
                max_megapixels: app::ssr::pictures::MAX_MEGAPIXELS,
            },
        ),
    ] {
        let response = client
            .post(app.url("/api/avatar"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: AppError = response.json().await.unwrap();
        assert_eq!(err, AppError::invalid("avatar", problem));
    }
    let me = app.me(&client).await.unwrap();
    assert_eq!(me.avatar_url.as_deref(), Some(url.as_str()));
}

/// A whole, valid PNG of 8,000 × 8,000 black pixels: 64 megapixels in 8 KB.
fn pixel_bomb() -> Vec<u8> {
    use flate2::{write::ZlibEncoder, Compression, Crc};
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let side: u32 = 8_000;
    let mut header = Vec::new();
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    // One bit per pixel, grey.
    header.extend_from_slice(&[1, 0, 0, 0, 0]);
    let mut pixels = ZlibEncoder::new(Vec::new(), Compression::best());
    let row = vec![0u8; 1 + side as usize / 8];
    for _ in 0..side {
        pixels.write_all(&row).unwrap();
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &pixels.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

#[tokio::test]
async fn a_fan_becomes_a_creator_once() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "fan", "noe").await;
    let _: () = app.call_ok(&client, "become_creator", &[]).await;
    assert_eq!(
        app.me(&client).await.unwrap().role,
        app::accounts::types::Role::Creator
    );
    assert!(matches!(
        app.call_err(&client, "become_creator", &[]).await,
        AppError::Conflict(_)
    ));
}

#[tokio::test]
async fn unknown_pages_and_handles_are_404() {
    let app = spawn_app().await;
    let client = app.client();
    for path in [
        "/@nobody",
        "/nothing-here",
        "/brands/nobody",
        "/@Bad!Handle",
    ] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("404"), "{path} shows the 404 page");
    }
}

/// Runs against moto, an S3 implementation (installed by `.ci/tools.sh`), on a free port.
#[tokio::test]
async fn avatars_go_to_an_s3_bucket_when_configured() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _moto = Moto(
        std::process::Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server must be on PATH for the S3 test: run `make tools`"),
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http
            .get(format!("{endpoint}/moto-api/"))
            .send()
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(up, "moto_server did not start");
    let created = http
        .put(format!("{endpoint}/tremplin-media"))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "bucket creation: {}",
        created.status()
    );

    let app = crate::common::spawn_app_with(&[
        ("TREMPLIN_S3_BUCKET", "tremplin-media"),
        ("TREMPLIN_S3_ENDPOINT", &endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ])
    .await;
    let client = app.client();
    app.sign_up(&client, "creator", "sasha").await;
    let response = client
        .post(app.url("/api/avatar"))
        .body(PNG)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    let url = body["avatar_url"].as_str().unwrap().to_owned();

    // moto keeps objects private; its state API shows what the bucket holds.
    let key = url.strip_prefix("/media/").unwrap();
    let state = http
        .get(format!("{endpoint}/moto-api/data.json"))
        .send()
        .await
        .unwrap();
    let text = state.text().await.unwrap();
    assert!(text.contains(key), "the object {key} is in the bucket");
    let copy = app::ui::picture::sized(&url, 160);
    assert!(text.contains(&copy[7..]), "so is its copy {copy}");
    let served = client.get(app.url(&copy)).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(
        &served.bytes().await.unwrap()[8..12],
        b"WEBP",
        "and served back from it"
    );
    assert!(
        !app.data_dir.path().join("media").exists(),
        "nothing written to the local disk"
    );
}

/// Stops the S3 server however the test ends.
struct Moto(std::process::Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
