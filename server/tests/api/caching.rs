//! Compression and caching, as a browser meets them: compressed text, pages revalidated with
//! an ETag, build files kept a year under their hashed names, pictures with their key as
//! validator.

use std::io::Read;

use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, ETAG, IF_NONE_MATCH,
    VARY,
};
use reqwest::StatusCode;

use crate::common::{spawn_app, spawn_app_with};

const PNG: &[u8] = include_bytes!("../../demo/lea.png");

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn pages_are_compressed_and_revalidated_with_an_etag() {
    let app = spawn_app().await;
    let client = app.client();
    let get = |encoding: &'static str| {
        client
            .get(app.url("/"))
            .header(ACCEPT_ENCODING, encoding)
            .send()
    };

    // Pages are made for each request: gzip, much cheaper to make than Brotli.
    let first = get("gzip, deflate, br").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()[CONTENT_ENCODING], "gzip");
    assert!(first.headers()[VARY]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(first.headers()[CACHE_CONTROL], "private, no-cache");
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    let policy = first.headers()[CONTENT_SECURITY_POLICY].clone();
    let html = gunzip(&first.bytes().await.unwrap());
    assert!(html.starts_with("<!DOCTYPE html>"), "{html:.60}");
    assert!(html.contains("</html>"));

    let gzip = get("gzip").await.unwrap();
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(gzip.headers()[ETAG], etag.as_str(), "the same page");
    assert_ne!(
        gzip.headers()[CONTENT_SECURITY_POLICY],
        policy,
        "each answer has its own nonce, which the validator leaves out"
    );
    assert!(gunzip(&gzip.bytes().await.unwrap()).contains("</html>"));

    let plain = get("identity").await.unwrap();
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert!(plain.text().await.unwrap().contains("</html>"));

    // The browser asks again with its validator: nothing changed, nothing is sent, and no new
    // policy replaces the one whose nonce the kept page carries.
    let again = client
        .get(app.url("/"))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG], etag.as_str());
    assert!(again.headers().get(CONTENT_SECURITY_POLICY).is_none());
    assert!(again.bytes().await.unwrap().is_empty());

    // Another page, or a stale or forged validator, gets the whole page.
    for stale in ["W/\"0000000000000000\"", "\"</title><script>\"", ""] {
        let response = client
            .get(app.url("/"))
            .header(IF_NONE_MATCH, stale)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{stale}");
        assert!(response.text().await.unwrap().contains("</html>"));
    }
    let login = client.get(app.url("/login")).send().await.unwrap();
    assert_ne!(login.headers()[ETAG], etag.as_str());

    // A browser that has chosen its language sends the cookie, which the page would set again:
    // that repeat is dropped, so the page keeps its validator; a new choice is still set.
    let chosen = client
        .get(app.url("/"))
        .header("cookie", "i18n_pref_locale=en")
        .send()
        .await
        .unwrap();
    assert!(chosen.headers().get("set-cookie").is_none());
    assert_eq!(chosen.headers()[ETAG], etag.as_str());
    let not_modified = client
        .get(app.url("/"))
        .header("cookie", "i18n_pref_locale=en")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(not_modified.headers()[VARY], "accept-encoding");
}

/// Someone's own page is not compressed for a request another site may have started: a page
/// that repeats text from its URL beside personal data would leak that data through its
/// compressed size (BREACH).
#[tokio::test]
async fn personal_pages_are_compressed_only_for_our_own_requests() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "fan", "breach_fan").await;
    let get = |site: Option<&'static str>| {
        let request = client
            .get(app.url("/settings?guess=breach_fan%40example"))
            .header(ACCEPT_ENCODING, "gzip");
        match site {
            Some(site) => request.header("sec-fetch-site", site),
            None => request,
        }
        .send()
    };
    for site in [Some("cross-site"), Some("same-site"), None] {
        let response = get(site).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers().get(CONTENT_ENCODING).is_none(),
            "{site:?}"
        );
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("breach_fan@example.test"));
    }
    for site in ["same-origin", "none"] {
        let response = get(Some(site)).await.unwrap();
        assert_eq!(response.headers()[CONTENT_ENCODING], "gzip", "{site}");
    }
    // Anonymous pages hold nothing personal: compressed whoever asks.
    let anonymous = reqwest::Client::new()
        .get(app.url("/login"))
        .header(ACCEPT_ENCODING, "gzip")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.headers()[CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn server_function_answers_are_compressed() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "fan", "zip_fan").await;
    let response = client
        .post(app.url("/api/me"))
        .header("accept", "application/json")
        .header(ACCEPT_ENCODING, "br, gzip")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(
        response.headers()[CACHE_CONTROL],
        "no-store",
        "personal data"
    );
    let me: serde_json::Value =
        serde_json::from_str(&gunzip(&response.bytes().await.unwrap())).unwrap();
    assert_eq!(me["handle"], "zip_fan");
}

/// A site root laid out as `cargo leptos build --release --precompress` leaves it.
fn site_root() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let wasm = b"\0asm\x01\0\0\0 a build file long enough to be worth compressing".repeat(20);
    let hashed = pkg.join("tremplin.AbCdEfGhIjKlMnOpQrSt_-.wasm");
    std::fs::write(&hashed, &wasm).unwrap();
    let mut br = Vec::new();
    brotli::CompressorReader::new(wasm.as_slice(), 4096, 11, 22)
        .read_to_end(&mut br)
        .unwrap();
    std::fs::write(pkg.join("tremplin.AbCdEfGhIjKlMnOpQrSt_-.wasm.br"), &br).unwrap();
    std::fs::write(pkg.join("tremplin.css"), "body { margin: 0 }".repeat(10)).unwrap();
    root
}

#[tokio::test]
async fn build_files_are_kept_a_year_under_their_hashed_names() {
    let root = site_root();
    let app = spawn_app_with(&[("TREMPLIN_SITE_ROOT", root.path().to_str().unwrap())]).await;
    let client = app.client();
    let wasm = "/pkg/tremplin.AbCdEfGhIjKlMnOpQrSt_-.wasm";

    let response = client
        .get(app.url(wasm))
        .header(ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_ENCODING], "br");
    assert_eq!(
        response.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()[VARY], "accept-encoding");
    let precompressed = std::fs::read(
        root.path()
            .join("pkg/tremplin.AbCdEfGhIjKlMnOpQrSt_-.wasm.br"),
    )
    .unwrap();
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        precompressed.as_slice(),
        "the file compressed at build time, as it is: not compressed twice"
    );

    // A name without a hash may change meaning at the next deploy: revalidated each time.
    let css = client
        .get(app.url("/pkg/tremplin.css"))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()[CACHE_CONTROL], "no-cache");
    assert_eq!(css.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(
        gunzip(&css.bytes().await.unwrap()),
        "body { margin: 0 }".repeat(10)
    );

    let missing = client
        .get(app.url("/pkg/tremplin.ZZZZZZZZZZZZZZZZZZZZZZ.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        missing
            .headers()
            .get(CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable"),
        "a file missing now may exist after the deploy under way"
    );
}

#[tokio::test]
async fn pictures_are_validated_by_their_key_and_odd_keys_are_not_found() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "cached_mona").await;
    let response = client
        .post(app.url("/api/avatar"))
        .body(PNG)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    let original = body["avatar_url"].as_str().unwrap().to_owned();
    let url = format!("{original}.w160.webp");

    let image = client
        .get(app.url(&url))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert!(
        image.headers().get(CONTENT_ENCODING).is_none(),
        "a WebP is compressed already"
    );
    let etag = image.headers()[ETAG].to_str().unwrap().to_owned();
    assert_eq!(&image.bytes().await.unwrap()[8..12], b"WEBP");
    let again = client
        .get(app.url(&url))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let missing = url.replace(".png", "0.png");
    for path in [
        missing.as_str(),
        original.as_str(),
        format!("{original}.w161.webp").as_str(),
        "/media/avatars/a%22b.png.w160.webp",
        "/media/avatars/a%0Ab.png.w160.webp",
        "/media/avatars/%3C%2Ftitle%3E.png.w160.webp",
        "/media/avatars/..%2F..%2Fetc.png.w160.webp",
        format!("/media/products/{}.png.w160.webp", "a".repeat(300)).as_str(),
    ] {
        let response = client
            .get(app.url(path))
            .header(IF_NONE_MATCH, format!("\"{}\"", &path[7..]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

/// Who is served from the shop pages' micro-cache: the key is the path and the language, so a
/// query or an odd `Accept-Language` shares the entry (and never shows in it), visitors arriving
/// together wait for one rendering, and a signed-in visitor gets their own page.
#[tokio::test]
async fn the_shop_page_cache_keys_on_path_and_language_and_renders_once_for_a_crowd() {
    let app = spawn_app().await;
    let creator = app.client();
    app.sign_up(&creator, "creator", "cached_shop").await;
    let product: i64 = app
        .call_ok(
            &creator,
            "save_product",
            &[
                ("title", "Tote bag"),
                ("description", "Canvas"),
                ("price", "19.90"),
                ("shipping", "3.50"),
                ("variant_names[]", "One size"),
                ("variant_stocks[]", "10"),
            ],
        )
        .await;
    let _: () = app
        .call_ok(
            &creator,
            "shelf",
            &[("product", &product.to_string()), ("action", "publish")],
        )
        .await;
    let anonymous = reqwest::Client::new();
    let get = |path: &'static str, language: &'static str| {
        anonymous
            .get(app.url(path))
            .header("accept-language", language)
            .send()
    };

    let crowd: Vec<_> = (0..20).map(|_| get("/@cached_shop/shop", "fr")).collect();
    let mut misses = 0;
    let mut pages = std::collections::HashSet::new();
    for response in futures::future::join_all(crowd).await {
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        if response.headers()["x-cache"] == "miss" {
            misses += 1;
        }
        pages.insert(response.text().await.unwrap());
    }
    assert_eq!(misses, 1, "twenty visitors at once, one rendering");
    assert_eq!(pages.len(), 1);
    let page = pages.into_iter().next().unwrap();
    assert!(page.contains("Tote bag"));

    let odd = get(
        "/@cached_shop/shop?utm=%3C%2Ftitle%3E%3Cscript%3E",
        "fr-CA,fr;q=0.9",
    )
    .await
    .unwrap();
    assert_eq!(odd.headers()["x-cache"], "hit");
    let etag = odd.headers()[ETAG].clone();
    let odd = odd.text().await.unwrap();
    assert_eq!(
        odd, page,
        "the query is not part of the page others are served"
    );
    assert!(!odd.contains("utm"));
    let english = get("/@cached_shop/shop", "en-GB").await.unwrap();
    assert_eq!(english.headers()["x-cache"], "miss");
    assert_ne!(
        english.text().await.unwrap(),
        page,
        "another language, another page"
    );
    // A language the site lacks gets the default (English): no entry of its own.
    let random = get("/@cached_shop/shop", "xx-YY;q=0.5, *").await.unwrap();
    assert_eq!(random.headers()["x-cache"], "hit");

    // A visitor's time zone is cached with the page (times are shown in it); UTC is the
    // English entry above, and a zone that is not one is UTC.
    let zoned = |zone: &'static str| {
        anonymous
            .get(app.url("/@cached_shop/shop"))
            .header("accept-language", "en")
            .header("cookie", format!("tz={zone}"))
            .send()
    };
    assert_eq!(
        zoned("Europe/Paris").await.unwrap().headers()["x-cache"],
        "miss"
    );
    assert_eq!(
        zoned("Europe/Paris").await.unwrap().headers()["x-cache"],
        "hit"
    );
    assert_eq!(zoned("UTC").await.unwrap().headers()["x-cache"], "hit");
    assert_eq!(
        zoned("Mars/Olympus").await.unwrap().headers()["x-cache"],
        "hit"
    );

    // A hit is validated too, and a signed-in creator gets their own rendering.
    let again = anonymous
        .get(app.url("/@cached_shop/shop"))
        .header("accept-language", "fr")
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let own = creator
        .get(app.url("/@cached_shop/shop"))
        .send()
        .await
        .unwrap();
    assert!(own.headers().get("x-cache").is_none());
}
