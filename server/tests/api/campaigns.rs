//! Campaigns through their server functions: who may write and run them, bad input, the
//! draft → published → closed life, concurrent changes, and how campaigns fit a creator.

use crate::common::{spawn_app, TestApp};
use app::campaigns::types::{CampaignState, FitCheck, Listed};
use app::error::{AppError, Problem};
use reqwest::Client;

fn day(offset: i64) -> String {
    app::ui::date::format_date_input(app::ssr::now() + offset * 86_400)
}

fn campaign_form(title: &str, starts: &str, ends: &str) -> Vec<(String, String)> {
    [
        ("title", title),
        ("brief", "Ride our new gravel frame and tell it like it is."),
        ("niches[]", "sport"),
        ("min_audience", "0"),
        ("max_audience", "5k"),
        ("budget", "150"),
        ("creators_wanted", "3"),
        ("starts_on", starts),
        ("ends_on", ends),
        ("count_post", "2"),
        ("network_post", "instagram"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

async fn create(
    app: &TestApp,
    client: &Client,
    form: &[(String, String)],
) -> Result<i64, AppError> {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let response = app.call(client, "create_campaign", &form).await;
    if response.status().is_success() {
        Ok(response.json().await.unwrap())
    } else {
        Err(response.json().await.unwrap())
    }
}

async fn change(
    app: &TestApp,
    client: &Client,
    id: i64,
    action: &str,
) -> Result<CampaignState, AppError> {
    let id = id.to_string();
    let response = app
        .call(
            client,
            "change_campaign",
            &[("id", &id), ("action", action)],
        )
        .await;
    if response.status().is_success() {
        Ok(response.json().await.unwrap())
    } else {
        Err(response.json().await.unwrap())
    }
}

#[tokio::test]
async fn only_brands_write_campaigns_and_only_their_own() {
    let app = spawn_app().await;
    let form = campaign_form("Gravel season", &day(1), &day(30));
    assert_eq!(
        create(&app, &app.client(), &form).await,
        Err(AppError::Unauthenticated)
    );
    for role in ["fan", "creator"] {
        let client = app.client();
        app.sign_up(&client, role, &format!("some_{role}")).await;
        assert_eq!(
            create(&app, &client, &form).await,
            Err(AppError::Forbidden),
            "{role}"
        );
        assert_eq!(
            app.call_err(&client, "my_campaigns", &[]).await,
            AppError::Forbidden
        );
    }
    let brand = app.client();
    app.sign_up(&brand, "brand", "velo_brand").await;
    let id = create(&app, &brand, &form).await.unwrap();
    let other = app.client();
    app.sign_up(&other, "brand", "other_brand").await;
    assert_eq!(
        change(&app, &other, id, "publish").await,
        Err(AppError::NotFound)
    );
    // A draft is its brand's alone.
    let id_text = id.to_string();
    assert_eq!(
        app.call_err(&other, "campaign", &[("id", &id_text)]).await,
        AppError::NotFound
    );
    let _: app::campaigns::types::Campaign =
        app.call_ok(&brand, "campaign", &[("id", &id_text)]).await;
}

#[tokio::test]
async fn bad_campaigns_are_refused_field_by_field() {
    let app = spawn_app().await;
    let brand = app.client();
    app.sign_up(&brand, "brand", "strict_brand").await;
    let with = |field: &str, value: &str| {
        let mut form = campaign_form("Gravel season", &day(1), &day(30));
        form.retain(|(k, _)| k != field);
        form.push((field.to_owned(), value.to_owned()));
        form
    };
    for (form, field, problem) in [
        (with("starts_on", &day(-2)), "starts_on", Problem::InPast),
        (with("ends_on", &day(0)), "ends_on", Problem::DatesReversed),
        (
            with("ends_on", "2026-02-30"),
            "ends_on",
            Problem::InvalidDate,
        ),
        (
            with("count_post", "0"),
            "count_post",
            Problem::NoDeliverable,
        ),
        (
            with("count_post", "500"),
            "count_post",
            Problem::InvalidNumber,
        ),
        (with("budget", "lots"), "budget", Problem::InvalidAmount),
        (
            with("creators_wanted", "0"),
            "creators_wanted",
            Problem::InvalidNumber,
        ),
        (
            with("max_audience", "-1"),
            "max_audience",
            Problem::InvalidNumber,
        ),
        (with("title", "ab"), "title", Problem::TooShort { min: 3 }),
        (with("title", ""), "title", Problem::Required),
    ] {
        assert_eq!(
            create(&app, &brand, &form).await,
            Err(AppError::invalid(field, problem)),
            "{field}"
        );
    }
    let mine: Vec<app::campaigns::types::Campaign> = app.call_ok(&brand, "my_campaigns", &[]).await;
    assert!(mine.is_empty(), "nothing was saved");
}

#[tokio::test]
async fn campaigns_go_from_draft_to_published_to_closed_once() {
    let app = spawn_app().await;
    let brand = app.client();
    app.sign_up(&brand, "brand", "run_brand").await;
    let id = create(
        &app,
        &brand,
        &campaign_form("Gravel season", &day(0), &day(30)),
    )
    .await
    .unwrap();
    let public = || async {
        app.call_ok::<Vec<Listed>>(&app.client(), "campaigns", &[])
            .await
    };
    assert!(public().await.is_empty(), "drafts are not listed");

    // Ten tabs publish at once: one publishes, the others are told it already changed.
    let tasks: Vec<_> = (0..10)
        .map(|_| change(&app, &brand, id, "publish"))
        .collect();
    let outcomes = futures::future::join_all(tasks).await;
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Ok(CampaignState::Published))
            .count(),
        1
    );
    assert!(outcomes
        .iter()
        .all(|o| o.is_ok() || matches!(o, Err(AppError::Conflict(_)))));
    assert_eq!(public().await.len(), 1);

    assert_eq!(
        change(&app, &brand, id, "close").await,
        Ok(CampaignState::Closed)
    );
    assert!(matches!(
        change(&app, &brand, id, "publish").await,
        Err(AppError::Conflict(_))
    ));
    assert!(public().await.is_empty(), "closed campaigns leave the list");
}

#[tokio::test]
async fn a_small_creator_sees_the_campaigns_that_fit_them_first() {
    let app = spawn_app().await;
    let brand = app.client();
    app.sign_up(&brand, "brand", "fit_brand").await;
    let fitting = create(
        &app,
        &brand,
        &campaign_form("Gravel season", &day(1), &day(30)),
    )
    .await
    .unwrap();
    let mut big_only = campaign_form("Stars only", &day(1), &day(30));
    big_only.retain(|(k, _)| k != "min_audience" && k != "max_audience");
    big_only.push(("min_audience".into(), "100k".into()));
    let other = create(&app, &brand, &big_only).await.unwrap();
    // Published in this order, so the one that does not fit is the newest.
    change(&app, &brand, fitting, "publish").await.unwrap();
    change(&app, &brand, other, "publish").await.unwrap();

    let creator = app.client();
    app.sign_up(&creator, "creator", "small_rider").await;
    let _: () = app
        .call_ok(
            &creator,
            "update_profile",
            &[
                ("display_name", "Small Rider"),
                ("bio", ""),
                ("niches[]", "sport"),
                ("instagram", "800"),
            ],
        )
        .await;
    let listed: Vec<Listed> = app.call_ok(&creator, "campaigns", &[]).await;
    assert_eq!(listed[0].campaign.id, fitting);
    assert!(listed[0].fit.as_ref().unwrap().iter().all(|(_, ok)| *ok));
    let failing: Vec<FitCheck> = listed[1]
        .fit
        .as_ref()
        .unwrap()
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(failing, vec![FitCheck::Audience]);

    // Anyone else sees them newest first, without a fit.
    let anonymous: Vec<Listed> = app.call_ok(&app.client(), "campaigns", &[]).await;
    assert_eq!(anonymous[0].campaign.id, other);
    assert!(anonymous.iter().all(|l| l.fit.is_none()));
    let page = app.page(&creator, "/campaigns").await;
    assert!(page.contains("Gravel season"), "{page}");
    // Leptos marks where the count is interpolated.
    assert!(
        page.contains("Fits you: <!>4<!>/4"),
        "the fit is on the page"
    );
}
