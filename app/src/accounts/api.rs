//! Account server functions: authorise, parse, call the store, return a view.

// A server function takes one argument per form field, so that forms post without JavaScript.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{BrandPage, CreatorCard, Profile, SessionUser, Settings};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    super::{password, rules, session, store, types::*},
    crate::error::Problem,
    crate::i18n::td_string,
    crate::ssr::{internal, now, random_hex, state, Mail},
};

/// The logged-in user, for the header and guarded pages.
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<Option<SessionUser>, AppError> {
    session::current_user().await
}

#[server(prefix = "/api", endpoint = "signup")]
pub async fn signup(
    role: String,
    email: String,
    display_name: String,
    handle: String,
    password: String,
    company_name: Option<String>,
    slug: Option<String>,
) -> Result<(), AppError> {
    let st = state()?;
    let role = Role::parse("role", &role)?;
    let email = Email::parse(&email)?;
    let display_name = parse_text("display_name", &display_name, 1, 60)?;
    let handle = Handle::parse(&handle)?;
    let password = Password::parse("password", &password, &[email.as_str(), handle.as_str()])?;
    let brand = match role {
        Role::Brand => Some((
            parse_text("company_name", company_name.as_deref().unwrap_or(""), 2, 80)?,
            Slug::parse(slug.as_deref().unwrap_or(""))?,
        )),
        _ => None,
    };
    // Before the expensive hash, so a flood of sign-ups costs little.
    throttle(&format!("signup:{}", client_ip().await?), st.signups_per_ip).await?;
    let hash = st
        .passwords
        .hash(password.expose().to_owned())
        .await
        .map_err(internal)?;
    let id = store::create_user(
        &st.db,
        store::NewUser {
            email: email.as_str(),
            handle: handle.as_str(),
            display_name: &display_name,
            password_hash: &hash,
            role,
            brand: brand.as_ref().map(|(c, s)| (c.as_str(), s.as_str())),
        },
        now(),
    )
    .await?;
    session::log_in(id, 0).await?;
    if link_mail_allowed(email.as_str(), LinkPurpose::Confirm).await? {
        mail_link(id, email.as_str(), LinkPurpose::Confirm).await?;
    }
    tracing::info!(user_id = id, role = role.as_str(), "signed up");
    leptos_axum::redirect("/settings?welcome=1");
    Ok(())
}

/// Opens an account for a guest at checkout, under their email, and logs them in: their
/// orders, receipts and mails need one. It has no password anyone knows; the guest sets one
/// with "forgot password" whenever they like. An address that has an account must log in.
#[cfg(feature = "ssr")]
pub async fn open_guest_account(email: &str, name: &str) -> Result<SessionUser, AppError> {
    let email = Email::parse(email)?;
    throttle(
        &format!("guest:{}", client_ip().await?),
        rules::GUESTS_PER_IP,
    )
    .await?;
    let st = state()?;
    let random = random_hex(24);
    let hash = st.passwords.hash(random.clone()).await.map_err(internal)?;
    let handle = format!("guest_{}", &random[..10]);
    let id = store::create_user(
        &st.db,
        store::NewUser {
            email: email.as_str(),
            handle: &handle,
            display_name: name,
            password_hash: &hash,
            role: Role::Fan,
            brand: None,
        },
        now(),
    )
    .await?;
    session::log_in(id, 0).await?;
    tracing::info!(user_id = id, "guest account opened at checkout");
    session::require_user().await
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    let st = state()?;
    let email = Email::parse(&email)?;
    let ip = client_ip().await?;
    let ip_key = format!("login:ip:{ip}");
    let account_ip_key = format!("login:account-ip:{}:{ip}", email.as_str());
    let account_key = format!("login:account:{}", email.as_str());
    let t = now();
    // Every attempt counts, before the password is checked, so parallel guesses are limited
    // too. The address's own counters come first: an address refused there adds nothing to
    // the account's ceiling, so one address cannot push the owner over it.
    for (key, limit) in [
        (&account_ip_key, rules::LOGIN_PER_ACCOUNT_ADDRESS),
        (&ip_key, rules::LOGIN_PER_IP),
        (&account_key, rules::LOGIN_PER_ACCOUNT),
    ] {
        let hit = crate::ssr::limiter::hit_shedding(&st, key, limit, rules::LOGIN_FLOOD, t);
        match hit.await? {
            // Guesses from everywhere at once: the password no longer opens the account for
            // a while, but a link mailed to its owner does.
            Some(_) if key == &account_key => {
                return Err(AppError::invalid("email", Problem::AccountBusy))
            }
            Some(wait) => return Err(rate_limited(wait)),
            None => {}
        }
    }
    let found = store::login_by_email(&st.db, email.as_str()).await?;
    let phc = found
        .as_ref()
        .map_or(password::DECOY_HASH.to_owned(), |f| f.password_hash.clone());
    let ok = st.passwords.verify(password, phc).await.map_err(internal)?;
    match found {
        Some(user) if ok => {
            store::clear_rate_limit(&st.db, &account_ip_key).await?;
            // Only failures count against an address or the account: people behind one
            // office or carrier-grade NAT still log in.
            store::refund_rate_limit(&st.db, &ip_key).await?;
            store::refund_rate_limit(&st.db, &account_key).await?;
            session::log_in(user.id, user.session_epoch).await?;
            tracing::info!(user_id = user.id, "logged in");
            leptos_axum::redirect("/");
            Ok(())
        }
        _ => Err(AppError::invalid("password", Problem::WrongCredentials)),
    }
}

/// Counts one request against `key`, refused with 429 and `Retry-After` once over `limit`.
#[cfg(feature = "ssr")]
pub async fn throttle(key: &str, limit: rules::RateLimit) -> Result<(), AppError> {
    match crate::ssr::limiter::hit(&state()?, key, limit, now()).await? {
        Some(wait) => Err(rate_limited(wait)),
        None => Ok(()),
    }
}

#[cfg(feature = "ssr")]
fn rate_limited(wait: u64) -> AppError {
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.set_status(http::StatusCode::TOO_MANY_REQUESTS);
    if let Ok(value) = http::HeaderValue::from_str(&wait.to_string()) {
        response.insert_header(http::header::RETRY_AFTER, value);
    }
    AppError::RateLimited {
        retry_after_secs: wait,
    }
}

/// The client's address as per-address limits count it (an IPv6 address by its /64), as the
/// server's middleware established it.
#[cfg(feature = "ssr")]
async fn client_ip() -> Result<String, AppError> {
    let axum::Extension(ip): axum::Extension<crate::ssr::ClientIp> =
        leptos_axum::extract().await.map_err(internal)?;
    Ok(ip.bucket().to_string())
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    session::log_out().await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new_password: String,
    confirm: String,
) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let st = state()?;
    let phc = store::password_hash(&st.db, user.id).await?;
    if !st.passwords.verify(current, phc).await.map_err(internal)? {
        return Err(AppError::invalid("current", Problem::WrongPassword));
    }
    let new = Password::parse("new_password", &new_password, &[&user.email, &user.handle])?;
    if new_password != confirm {
        return Err(AppError::invalid("confirm", Problem::PasswordsDiffer));
    }
    let hash = st
        .passwords
        .hash(new.expose().to_owned())
        .await
        .map_err(internal)?;
    let epoch = store::set_password(&st.db, user.id, &hash).await?;
    session::log_in(user.id, epoch).await
}

/// Emails a reset link if the address has an account. The answer is the same either way, so
/// the form cannot be used to find out who has an account.
#[server(prefix = "/api", endpoint = "request_reset")]
pub async fn request_reset(email: String) -> Result<(), AppError> {
    mail_link_to_address(&email, LinkPurpose::Reset).await?;
    // A page of its own, so that the confirmation shows without JavaScript too.
    leptos_axum::redirect("/forgot?sent");
    Ok(())
}

/// Emails a sign-in link if the address has an account: the way in when password attempts on
/// the account are refused for a while (or whenever the owner prefers it). The same answer
/// either way, as for a reset.
#[server(prefix = "/api", endpoint = "request_login_link")]
pub async fn request_login_link(email: String) -> Result<(), AppError> {
    mail_link_to_address(&email, LinkPurpose::Login).await?;
    leptos_axum::redirect("/login/link?sent");
    Ok(())
}

/// Logs in with a sign-in link, which works once, within 15 minutes.
#[server(prefix = "/api", endpoint = "login_with_link")]
pub async fn login_with_link(token: String) -> Result<(), AppError> {
    let st = state()?;
    let token_hash = live_link(LinkPurpose::Login, &token).await?;
    let (user_id, epoch) = store::redeem_login_link(&st.db, &token_hash, now()).await?;
    session::log_in(user_id, epoch).await?;
    tracing::info!(user_id, "logged in by an emailed link");
    leptos_axum::redirect("/");
    Ok(())
}

/// Confirms the account's address with the link mailed to it, and answers the address. A link
/// used before (by its owner on another device, or a mail scanner) answers the same as long
/// as the address is confirmed.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    let st = state()?;
    if let Some(hash) = token_hash(&token) {
        let confirmed = store::confirmed_address_of_link(&st.db, LinkPurpose::Confirm, &hash);
        if let Some(email) = confirmed.await? {
            return Ok(email);
        }
    }
    let token_hash = live_link(LinkPurpose::Confirm, &token).await?;
    let email = store::redeem_confirmation(&st.db, &token_hash, now()).await?;
    tracing::info!("email address confirmed");
    Ok(email)
}

/// Mails the logged-in person a new link to confirm their address (nothing if it is confirmed).
#[server(prefix = "/api", endpoint = "resend_confirmation")]
pub async fn resend_confirmation() -> Result<(), AppError> {
    let user = session::require_user().await?;
    if !store::email_confirmed(&state()?.db, user.id).await? {
        throttle(
            &format!("link-mails:{}", client_ip().await?),
            rules::LINK_MAILS_PER_IP,
        )
        .await?;
        if !link_mail_allowed(&user.email, LinkPurpose::Confirm).await? {
            return Err(rate_limited(
                rules::LINK_MAILS_PER_ACCOUNT.window_secs as u64,
            ));
        }
        mail_link(user.id, &user.email, LinkPurpose::Confirm).await?;
    }
    // A page of its own, so that the confirmation shows without JavaScript too.
    leptos_axum::redirect("/settings?sent#email");
    Ok(())
}

/// Mails a `purpose` link to `email` if it has an account, answering the same either way.
#[cfg(feature = "ssr")]
async fn mail_link_to_address(email: &str, purpose: LinkPurpose) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    // One client must not spread mail over every inbox it can name.
    throttle(
        &format!("link-mails:{}", client_ip().await?),
        rules::LINK_MAILS_PER_IP,
    )
    .await?;
    // Past the inbox's quota the answer stays "sent": a refusal would tell whether the address
    // has an account, and would let a stranger's requests keep the owner from asking. The
    // owner has the links already sent, which still work.
    if !link_mail_allowed(email.as_str(), purpose).await? {
        tracing::info!(
            purpose = purpose.as_str(),
            "link mail over the inbox's quota"
        );
        return Ok(());
    }
    match store::login_by_email(&state()?.db, email.as_str()).await? {
        Some(user) => mail_link(user.id, email.as_str(), purpose).await,
        None => Ok(()),
    }
}

/// Counts one `purpose` mail to `email`: whether it may go (three of a kind an hour at most),
/// counted whether or not the address has an account, so the limit tells nothing either.
#[cfg(feature = "ssr")]
async fn link_mail_allowed(email: &str, purpose: LinkPurpose) -> Result<bool, AppError> {
    let key = format!("link-mails:{}:{email}", purpose.as_str());
    let limit = rules::LINK_MAILS_PER_ACCOUNT;
    let wait = crate::ssr::limiter::hit(&state()?, &key, limit, now()).await?;
    Ok(wait.is_none())
}

/// Mails account `user_id` a new `purpose` link at `email`, in the language of the person
/// asking (the cookie they chose, else their browser's).
#[cfg(feature = "ssr")]
async fn mail_link(user_id: i64, email: &str, purpose: LinkPurpose) -> Result<(), AppError> {
    let st = state()?;
    let token = random_hex(32);
    let expires_at = now() + rules::link_lifetime(purpose);
    let hash = token_hash(&token).ok_or_else(|| internal("a new token of the wrong form"))?;
    store::create_link(&st.db, purpose, user_id, &hash, expires_at).await?;
    let locale: crate::i18n::Locale = leptos_i18n::locale::resolve_locale();
    let (path, subject, intro, outro) = match purpose {
        LinkPurpose::Reset => (
            "reset",
            td_string!(locale, mail.reset_subject),
            td_string!(locale, mail.reset_intro),
            td_string!(locale, mail.reset_outro),
        ),
        LinkPurpose::Confirm => (
            "confirm",
            td_string!(locale, mail.confirm_subject),
            td_string!(locale, mail.confirm_intro),
            td_string!(locale, mail.confirm_outro),
        ),
        LinkPurpose::Login => (
            "login/link",
            td_string!(locale, mail.login_subject),
            td_string!(locale, mail.login_intro),
            td_string!(locale, mail.login_outro),
        ),
    };
    let mail = Mail {
        to: email.to_owned(),
        subject: subject.to_owned(),
        body: format!("{intro}\n{}/{path}/{token}\n\n{outro}\n", st.base_url),
    };
    // Sent in the background: an answer that waited for the mail server would take longer
    // for real accounts than for unknown addresses, and so reveal who has an account.
    let mailer = st.mailer.clone();
    tokio::spawn(async move {
        if let Err(e) = mailer.send(mail).await {
            tracing::error!(
                purpose = purpose.as_str(),
                "sending a link mail failed: {e}"
            );
        }
    });
    Ok(())
}

/// The hash of `token` if it names a live `purpose` link. Anything else counts as a failed
/// use from the client's address, refused with 429 past the limit: people who open their own
/// links are never counted, while guessing tokens is.
#[cfg(feature = "ssr")]
async fn live_link(purpose: LinkPurpose, token: &str) -> Result<String, AppError> {
    if let Some(hash) = token_hash(token) {
        if store::link_is_live(&state()?.db, purpose, &hash, now()).await? {
            return Ok(hash);
        }
    }
    throttle(
        &format!("link-attempt:{}", client_ip().await?),
        rules::LINK_ATTEMPTS_PER_IP,
    )
    .await?;
    Err(AppError::invalid("token", Problem::LinkExpired))
}

/// What is stored of an emailed token: its SHA-256, so a database leak reveals no link.
/// `None` for anything but the 64 hex digits of a token Tremplin made.
#[cfg(feature = "ssr")]
fn token_hash(token: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    let token = token.trim().to_ascii_lowercase();
    let well_formed = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| hex::encode(Sha256::digest(token.as_bytes())))
}

#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    let st = state()?;
    let new = Password::parse("password", &password, &[])?;
    if password != confirm {
        return Err(AppError::invalid("confirm", Problem::PasswordsDiffer));
    }
    // The token first: hashing costs 19 MiB and a core, so a guessed token must cost nothing.
    // `redeem_reset` checks it again, atomically, in case it was used meanwhile.
    let token_hash = live_link(LinkPurpose::Reset, &token).await?;
    let hash = st
        .passwords
        .hash(new.expose().to_owned())
        .await
        .map_err(internal)?;
    let (user_id, epoch) = store::redeem_reset(&st.db, &token_hash, &hash, now()).await?;
    session::log_in(user_id, epoch).await?;
    leptos_axum::redirect("/settings");
    Ok(())
}

#[server(prefix = "/api", endpoint = "profile")]
pub async fn get_profile(handle: String) -> Result<Profile, AppError> {
    let viewer = session::current_user().await?.map(|u| u.id);
    let handle = Handle::parse(&handle).map_err(|_| AppError::NotFound)?;
    store::profile(&state()?.db, handle.as_str(), viewer)
        .await?
        .ok_or(AppError::NotFound)
}

#[server(prefix = "/api", endpoint = "brand")]
pub async fn get_brand(slug: String) -> Result<BrandPage, AppError> {
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    store::brand_by_slug(&state()?.db, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)
}

#[server(prefix = "/api", endpoint = "settings")]
pub async fn get_settings() -> Result<Settings, AppError> {
    let user = session::require_user().await?;
    store::settings(&state()?.db, user.id).await
}

/// Saves the profile. Audience counts arrive as text so a typo is a field error, not a
/// rejected request.
#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(
    display_name: String,
    bio: String,
    #[server(default)] niches: Vec<String>,
    #[server(default)] instagram: String,
    #[server(default)] tiktok: String,
    #[server(default)] youtube: String,
    #[server(default)] twitch: String,
    #[server(default)] x: String,
) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let display_name = parse_text("display_name", &display_name, 1, 60)?;
    let bio = parse_text("bio", &bio, 0, 500)?;
    let mut parsed_niches: Vec<Niche> = niches.iter().filter_map(|n| Niche::parse(n)).collect();
    parsed_niches.sort();
    parsed_niches.dedup();
    let mut networks = Vec::new();
    for (network, raw) in [
        (Network::Instagram, instagram),
        (Network::Tiktok, tiktok),
        (Network::Youtube, youtube),
        (Network::Twitch, twitch),
        (Network::X, x),
    ] {
        if let Some(count) = FollowerCount::parse(network.as_str(), &raw)? {
            networks.push(SocialAccount {
                network,
                followers: count.get(),
            });
        }
    }
    store::update_profile(
        &state()?.db,
        user.id,
        store::ProfileUpdate {
            display_name: &display_name,
            bio: &bio,
            niches: &parsed_niches,
            networks: &networks,
        },
    )
    .await
}

#[server(prefix = "/api", endpoint = "update_brand")]
pub async fn update_brand(
    company_name: String,
    slug: String,
    website: String,
    description: String,
) -> Result<(), AppError> {
    let user = session::require_user().await?;
    if user.role != Role::Brand {
        return Err(AppError::Forbidden);
    }
    let company_name = parse_text("company_name", &company_name, 2, 80)?;
    let slug = Slug::parse(&slug)?;
    let website = Website::parse("website", &website)?;
    let description = parse_text("description", &description, 0, 1000)?;
    store::update_brand(
        &state()?.db,
        user.id,
        store::BrandUpdate {
            company_name: &company_name,
            slug: slug.as_str(),
            website: website.as_str(),
            description: &description,
        },
    )
    .await
}

#[server(prefix = "/api", endpoint = "become_creator")]
pub async fn become_creator() -> Result<(), AppError> {
    let user = session::require_user().await?;
    store::become_creator(&state()?.db, user.id).await
}

/// Remembers the time zone the caller's browser is in (an IANA name such as `Europe/Paris`) on
/// their account, for the pages and mails they get on any device. Nothing for a visitor: their
/// browser keeps it in a cookie.
#[server(prefix = "/api", endpoint = "remember_time_zone")]
pub async fn remember_time_zone(zone: String) -> Result<(), AppError> {
    let zone = crate::ui::zone::Zone::parse(&zone)
        .ok_or_else(|| AppError::invalid("zone", Problem::Malformed))?;
    let Some(user) = session::current_user().await? else {
        return Ok(());
    };
    store::set_time_zone(&state()?.db, user.id, zone.name()).await
}

#[server(prefix = "/api", endpoint = "follow")]
pub async fn follow(handle: String, follow: bool) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let handle = Handle::parse(&handle).map_err(|_| AppError::NotFound)?;
    throttle(&format!("follow:{}", user.id), rules::FOLLOWS_PER_USER).await?;
    let st = state()?;
    let t = now();
    // Counted whether or not the follow turns out to be new: a follow that was already there
    // makes no notice anyway.
    let notice_key = format!("follow-notice:{}:{}", user.id, handle.as_str());
    let notify = follow
        && crate::ssr::limiter::hit(&st, &notice_key, rules::FOLLOW_NOTICE, t)
            .await?
            .is_none();
    store::set_follow(&st.db, user.id, handle.as_str(), follow, notify, t).await
}

/// Creators for the home page: the most complete profiles, always with rising creators
/// among them.
#[server(prefix = "/api", endpoint = "featured")]
pub async fn featured_creators(count: u32) -> Result<Vec<CreatorCard>, AppError> {
    let count = count.clamp(1, 60) as usize;
    let db = &state()?.db;
    let candidates = store::creator_candidates(db, 200).await?;
    let mut featured = rules::feature(candidates, count, |c| c.rising);
    store::fill_niches(db, &mut featured).await?;
    Ok(featured)
}
