//! The marketplace through its server functions: who may edit a marketplace profile, field
//! errors, what `/@handle` shows, and creator search with its rising share and explanations.

use crate::common::spawn_app;
use app::error::{AppError, Problem};
use app::market::rules::{PAGE, RISING_PLACES};
use app::market::types::{Availability, Factor, Format, MarketProfile, MarketSettings, SearchPage};

const PROFILE: &[(&str, &str)] = &[
    ("language", "fr"),
    ("country", "FR"),
    ("availability", "open"),
    ("rate_post", "45"),
    ("rate_story", "12,50"),
    ("engagement_instagram", "6,2"),
];

fn invalid(e: AppError) -> (String, Problem) {
    match e {
        AppError::Invalid { field, problem } => (field, problem),
        other => panic!("not a field error: {other:?}"),
    }
}

#[tokio::test]
async fn only_creators_have_a_marketplace_profile() {
    let app = spawn_app().await;
    let anonymous = app.client();
    assert_eq!(
        app.call_err(&anonymous, "save_market_profile", PROFILE)
            .await,
        AppError::Unauthenticated
    );
    assert_eq!(
        app.call_err(&anonymous, "market_settings", &[]).await,
        AppError::Unauthenticated
    );
    for role in ["fan", "brand"] {
        let client = app.client();
        app.sign_up(&client, role, &format!("a_{role}")).await;
        assert_eq!(
            app.call_err(&client, "save_market_profile", PROFILE).await,
            AppError::Forbidden,
            "{role}"
        );
        assert_eq!(
            app.call_err(&client, "market_settings", &[]).await,
            AppError::Forbidden,
            "{role}"
        );
    }
}

#[tokio::test]
async fn a_creator_lists_themselves_and_their_page_shows_it() {
    let app = spawn_app().await;
    let creator = app.client();
    app.sign_up(&creator, "creator", "petite_cuisine").await;
    let _: () = app
        .call_ok(
            &creator,
            "update_profile",
            &[
                ("display_name", "Petite Cuisine"),
                ("bio", ""),
                ("niches[]", "food"),
                ("instagram", "800"),
            ],
        )
        .await;
    let before: Option<MarketProfile> = app
        .call_ok(
            &app.client(),
            "market_profile",
            &[("handle", "petite_cuisine")],
        )
        .await;
    assert_eq!(before, None, "not listed before saving");

    // Bad input: each error names its field, and nothing is saved.
    for (field, value, problem) in [
        ("language", "xx", Problem::Malformed),
        ("rate_post", "-3", Problem::InvalidAmount),
        (
            "rate_post",
            "0,50",
            Problem::AmountTooSmall { min_minor: 100 },
        ),
        ("engagement_instagram", "140", Problem::InvalidPercentage),
    ] {
        let mut form: Vec<(&str, &str)> = PROFILE
            .iter()
            .filter(|(k, _)| *k != field)
            .copied()
            .collect();
        form.push((field, value));
        let e = app.call_err(&creator, "save_market_profile", &form).await;
        assert_eq!(invalid(e), (field.to_owned(), problem), "{field}={value}");
    }
    let missing: Vec<(&str, &str)> = PROFILE
        .iter()
        .filter(|(k, _)| *k != "country")
        .copied()
        .collect();
    assert_eq!(
        invalid(
            app.call_err(&creator, "save_market_profile", &missing)
                .await
        )
        .0,
        "country"
    );
    let settings: MarketSettings = app.call_ok(&creator, "market_settings", &[]).await;
    assert_eq!(settings.profile, None);

    let _: () = app.call_ok(&creator, "save_market_profile", PROFILE).await;
    let listed: MarketProfile = app
        .call_ok::<Option<MarketProfile>>(
            &app.client(),
            "market_profile",
            &[("handle", "petite_cuisine")],
        )
        .await
        .unwrap();
    assert_eq!(
        (listed.language.as_str(), listed.country.as_str()),
        ("fr", "FR")
    );
    assert_eq!(listed.availability, Availability::Open);
    assert_eq!(
        listed
            .rates
            .iter()
            .map(|(f, m)| (*f, m.minor))
            .collect::<Vec<_>>(),
        vec![(Format::Story, 1_250), (Format::Post, 4_500)]
    );
    assert_eq!(listed.reach[0].engagement_bp, 620);

    // Editing the account's networks keeps the engagement set here, and search follows.
    let _: () = app
        .call_ok(
            &creator,
            "update_profile",
            &[
                ("display_name", "Petite Cuisine"),
                ("bio", ""),
                ("niches[]", "food"),
                ("instagram", "900"),
                ("tiktok", "300"),
            ],
        )
        .await;
    let listed: MarketProfile = app
        .call_ok::<Option<MarketProfile>>(
            &app.client(),
            "market_profile",
            &[("handle", "petite_cuisine")],
        )
        .await
        .unwrap();
    let instagram = listed
        .reach
        .iter()
        .find(|r| r.network == app::accounts::types::Network::Instagram)
        .unwrap();
    assert_eq!((instagram.followers, instagram.engagement_bp), (900, 620));

    let found: SearchPage = app
        .call_ok(
            &app.client(),
            "search_creators",
            &[("form[niche]", "food"), ("form[max_followers]", "2k")],
        )
        .await;
    assert_eq!(found.creators.len(), 1);
    let me = &found.creators[0];
    assert_eq!((me.handle.as_str(), me.audience), ("petite_cuisine", 1_200));
    assert!(me.rising);
    assert_eq!(me.from_price.map(|m| m.minor), Some(1_250));
    let factors: Vec<Factor> = me.why.factors.iter().map(|f| f.factor).collect();
    assert_eq!(
        factors,
        vec![
            Factor::Fit,
            Factor::Engagement,
            Factor::Responsiveness,
            Factor::Ratings,
            Factor::Reach
        ]
    );

    let page = app.page(&app.client(), "/@petite_cuisine").await;
    assert!(
        page.contains("For brands") && page.contains("€45.00"),
        "the profile shows the rate card"
    );
    let search = app
        .page(&app.client(), "/creators?niche=food&max_followers=2k")
        .await;
    assert!(search.contains("Why am I seeing this?") && search.contains("Petite Cuisine"));
}

#[tokio::test]
async fn search_refuses_bad_filters_and_keeps_the_rising_share() {
    let app = spawn_app().await;
    let db = app::ssr::Db::connect(&app.database_url).await.unwrap();
    server::demo::crowd::generate(&db, 400, "not a password hash", app::ssr::now())
        .await
        .unwrap();

    let e = app
        .call_err(
            &app.client(),
            "search_creators",
            &[
                ("form[min_followers]", "10k"),
                ("form[max_followers]", "1k"),
            ],
        )
        .await;
    assert_eq!(
        invalid(e),
        ("max_followers".to_owned(), Problem::RangeReversed)
    );
    let e = app
        .call_err(
            &app.client(),
            "search_creators",
            &[("form[min_engagement]", "lots")],
        )
        .await;
    assert_eq!(invalid(e).0, "min_engagement");

    // The follower floor is a hard filter.
    let big: SearchPage = app
        .call_ok(
            &app.client(),
            "search_creators",
            &[("form[min_followers]", "50k")],
        )
        .await;
    assert!(big.creators.iter().all(|c| c.audience >= 50_000));

    let all: SearchPage = app.call_ok(&app.client(), "search_creators", &[]).await;
    assert_eq!(all.creators.len(), PAGE);
    // The count is every match, not the few hundred the ranking reads.
    assert_eq!(all.total, 400);
    assert!(all.ranked < 400 && all.pages == all.ranked.div_ceil(PAGE));
    let listing = app.page(&app.client(), "/creators").await;
    assert!(listing.contains(">400<!> creators match"), "{listing}");
    assert!(listing.contains("data-testid=\"ranked-only\""));
    assert!(all.creators.iter().filter(|c| c.rising).count() >= RISING_PLACES);
    let scores: Vec<u32> = all.creators.iter().map(|c| c.why.score).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let second: SearchPage = app
        .call_ok(&app.client(), "search_creators", &[("form[page]", "2")])
        .await;
    assert_eq!(second.page, 2);
    assert!(
        second
            .creators
            .iter()
            .all(|c| !all.creators.iter().any(|f| f.handle == c.handle)),
        "no creator on two pages"
    );
}
