//! The notification centre through HTTP: what produces notifications, the unread count, and
//! that the centre marks them read. On SQLite and PostgreSQL.

use crate::common::spawn_app;
use app::error::AppError;
use app::notifications::types::{Notice, Notification};

#[tokio::test]
async fn a_new_follower_is_notified_once_and_read_in_the_centre() {
    let app = spawn_app().await;
    let creator = app.client();
    app.sign_up(&creator, "creator", "camille").await;
    let fan = app.client();
    app.sign_up(&fan, "fan", "noah").await;
    let unread = |client| app.call_ok::<u64>(client, "unread_notifications", &[]);
    assert_eq!(unread(&creator).await, 0);

    let follow = [("handle", "camille"), ("follow", "true")];
    let _: () = app.call_ok(&fan, "follow", &follow).await;
    // Following again is no news.
    let _: () = app.call_ok(&fan, "follow", &follow).await;
    assert_eq!(unread(&creator).await, 1);
    assert_eq!(unread(&fan).await, 0, "only the creator hears of it");

    let seen: Vec<Notification> = app.call_ok(&creator, "notifications", &[]).await;
    assert_eq!(seen.len(), 1);
    assert!(!seen[0].read, "shown as new the first time");
    let Notice::NewFollower { handle, .. } = &seen[0].notice else {
        panic!("{:?}", seen[0].notice);
    };
    assert_eq!(handle, "noah");
    assert_eq!(seen[0].notice.link(), "/@noah");
    assert_eq!(unread(&creator).await, 0);
    let again: Vec<Notification> = app.call_ok(&creator, "notifications", &[]).await;
    assert!(again[0].read);
}

#[tokio::test]
async fn the_centre_is_for_logged_in_users_only() {
    let app = spawn_app().await;
    let visitor = app.client();
    assert_eq!(
        app.call_err(&visitor, "notifications", &[]).await,
        AppError::Unauthenticated
    );
    assert_eq!(
        app.call_ok::<u64>(&visitor, "unread_notifications", &[])
            .await,
        0
    );
}
