//! Pictures' copies through HTTP: hostile keys, replaced pictures, pictures stored before
//! copies existed, and upload limits.

use crate::common::spawn_app;
use app::error::AppError;
use app::ssr::Db;
use reqwest::StatusCode;

const PNG: &[u8] = include_bytes!("../../demo/lea.png");

async fn upload_avatar(
    app: &crate::common::TestApp,
    client: &reqwest::Client,
    body: Vec<u8>,
) -> reqwest::Response {
    client
        .post(app.url("/api/avatar"))
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A copy's own key with `.wN.webp` appended names no picture, and a replaced avatar's copies
/// are gone with it.
#[tokio::test]
async fn copies_of_copies_are_not_made_and_nothing_outlives_a_replaced_avatar() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "nested").await;
    let response = upload_avatar(&app, &client, PNG.to_vec()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    let url = body["avatar_url"].as_str().unwrap().to_owned();

    let stranger = app.client();
    let nested = format!("{url}.w1280.webp.w1280.webp");
    let response = stranger.get(app.url(&nested)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{nested}");
    let copy = format!("{url}.w160.webp");
    let response = stranger.get(app.url(&copy)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{copy}");

    // The avatar is replaced: its old copies are gone.
    let response = upload_avatar(&app, &client, PNG.to_vec()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = stranger.get(app.url(&copy)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "{copy}");
    let media = app.data_dir.path().join("media");
    let left = std::fs::read_dir(
        media
            .join(url.trim_start_matches("/media/"))
            .parent()
            .unwrap(),
    )
    .unwrap()
    .count();
    assert_eq!(left, 5, "the new avatar and its four copies, nothing else");
}

/// A key under a stored file (`…/x.png/…`) is a 404, not a 500 with an error in the log.
#[tokio::test]
async fn a_key_under_a_file_is_not_found_rather_than_an_error() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "under").await;
    let response = upload_avatar(&app, &client, PNG.to_vec()).await;
    let body: serde_json::Value = response.json().await.unwrap();
    let url = body["avatar_url"].as_str().unwrap().to_owned();
    let response = client
        .get(app.url(&format!("{url}/x.png.w160.webp")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pictures_stored_before_copies_existed_get_them_at_start_up() {
    let app = spawn_app().await;
    let (old, broken) = (app.client(), app.client());
    app.sign_up(&old, "creator", "legacy_old").await;
    app.sign_up(&broken, "creator", "legacy_broken").await;
    let folder = app.data_dir.path().join("media/avatars/9");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("old.png"), PNG).unwrap();
    std::fs::write(folder.join("broken.png"), &PNG[..100]).unwrap();
    let db = Db::connect(&app.database_url).await.unwrap();
    for (handle, key) in [
        ("legacy_old", "avatars/9/old.png"),
        ("legacy_broken", "avatars/9/broken.png"),
    ] {
        sqlx::query("UPDATE users SET avatar_key = $1 WHERE handle = $2")
            .bind(key)
            .bind(handle)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let copy = app.url("/media/avatars/9/old.png.w320.webp");
    let client = app.client();
    assert_eq!(
        client.get(&copy).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "no copy is made when asked for"
    );

    let store =
        object_store::local::LocalFileSystem::new_with_prefix(app.data_dir.path().join("media"))
            .unwrap();
    let storage = app::ssr::Storage::new(std::sync::Arc::new(store));
    let made = app::ssr::pictures::make_missing_copies(&db, &storage).await;
    assert_eq!(made, Ok(1), "the readable one");
    let made = app::ssr::pictures::make_missing_copies(&db, &storage).await;
    assert_eq!(made, Ok(0), "once");

    let response = client.get(&copy).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/webp");
    for width in app::ui::picture::WIDTHS {
        assert!(
            folder.join(format!("old.png.w{width}.webp")).exists(),
            "{width}"
        );
    }
    assert!(!folder.join("broken.png.w160.webp").exists());
    let response = client
        .get(app.url("/media/avatars/9/old.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "the original");
}

#[tokio::test]
async fn avatar_uploads_are_rate_limited() {
    let app = spawn_app().await;
    let client = app.client();
    app.sign_up(&client, "creator", "restless").await;
    let limit = app::accounts::rules::PICTURE_UPLOADS_PER_HOUR.limit;
    for _ in 0..limit {
        let response = upload_avatar(&app, &client, PNG.to_vec()).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = upload_avatar(&app, &client, PNG.to_vec()).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let err: AppError = response.json().await.unwrap();
    assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
}
