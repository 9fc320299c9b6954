//! SQL for accounts, profiles, follows, password resets and rate limits.

use sqlx::FromRow;

use super::rules::RateLimit;
use super::types::{
    BrandPage, CreatorCard, LinkPurpose, Network, Niche, Profile, Role, SessionUser, Settings,
    SocialAccount,
};
use crate::error::{AppError, Problem};
use crate::notifications::store as notifications;
use crate::notifications::types::Notice;
use crate::ssr::{internal, Db};

/// A database failure the user cannot fix: logged with the request id.
fn db_err(e: sqlx::Error) -> AppError {
    internal(e)
}

/// Remembers the language `user_id` uses the site in, for mail sent outside a visit.
pub async fn set_locale(db: &Db, user_id: i64, locale: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The id of the person with this (lower-case) handle.
pub async fn user_id_by_handle(db: &Db, handle: &str) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
        .bind(handle)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)
}

/// The user behind the brand page with this slug.
pub async fn brand_user_by_slug(db: &Db, slug: &str) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar("SELECT user_id FROM brands WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)
}

/// The brand behind a slug as a request gave it: `NotFound` for anything that is not one.
pub async fn brand_of_slug(db: &Db, slug: &str) -> Result<i64, AppError> {
    let slug = super::types::Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    brand_user_by_slug(db, slug.as_str())
        .await?
        .ok_or(AppError::NotFound)
}

pub fn avatar_url(key: Option<String>) -> Option<String> {
    key.as_deref().map(crate::ssr::storage::media_url)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub handle: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    /// Company name and slug, for brands.
    pub brand: Option<(&'a str, &'a str)>,
}

/// Creates the user (and their brand). A duplicate email, handle or slug is a field error.
pub async fn create_user(db: &Db, new: NewUser<'_>, now: i64) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.email)
    .bind(new.handle)
    .bind(new.display_name)
    .bind(new.password_hash)
    .bind(new.role.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(unique_to_field)?;
    if let Some((company, slug)) = new.brand {
        sqlx::query("INSERT INTO brands (user_id, company_name, slug) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(company)
            .bind(slug)
            .execute(&mut *tx)
            .await
            .map_err(unique_to_field)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(id)
}

/// Turns a unique-constraint violation into an error on the field it concerns. Both
/// databases name the column in their message (`users.email`, `users_email_key`).
fn unique_to_field(e: sqlx::Error) -> AppError {
    if Db::is_unique_violation(&e) {
        let msg = e.to_string();
        if msg.contains("email") {
            return AppError::invalid("email", Problem::EmailTaken);
        }
        if msg.contains("handle") {
            return AppError::invalid("handle", Problem::HandleTaken);
        }
        if msg.contains("slug") {
            return AppError::invalid("slug", Problem::SlugTaken);
        }
    }
    db_err(e)
}

#[derive(FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub password_hash: String,
    pub session_epoch: i64,
}

pub async fn login_by_email(db: &Db, email: &str) -> Result<Option<LoginRow>, AppError> {
    sqlx::query_as("SELECT id, password_hash, session_epoch FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)
}

pub async fn password_hash(db: &Db, user_id: i64) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)?
        .ok_or(AppError::Unauthenticated)
}

/// Sets a new password and ends the account's other sessions; returns the new session epoch.
pub async fn set_password(db: &Db, user_id: i64, hash: &str) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let epoch = set_password_in(&mut tx, user_id, hash, crate::ssr::now()).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(epoch)
}

/// Sets the password and ends every session; returns the new session epoch. A new password
/// also retires every unused reset and sign-in link: a link asked for before the owner took
/// the account back must not open it afterwards.
async fn set_password_in(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    let epoch = sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1
         WHERE id = $2 RETURNING session_epoch",
    )
    .bind(hash)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "UPDATE email_links SET used_at = $1
         WHERE user_id = $2 AND purpose IN ('reset', 'login') AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(epoch)
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    handle: String,
    display_name: String,
    email: String,
    role: String,
    bio: String,
    avatar_key: Option<String>,
    brand_slug: Option<String>,
    is_operator: i64,
    created_at: i64,
}

const USER_COLUMNS: &str = "u.id, u.handle, u.display_name, u.email, u.role, u.bio, u.avatar_key, \
     b.slug AS brand_slug, u.is_operator, u.created_at FROM users u LEFT JOIN brands b ON b.user_id = u.id";

impl UserRow {
    fn into_session_user(self) -> Result<SessionUser, AppError> {
        Ok(SessionUser {
            id: self.id,
            handle: self.handle,
            display_name: self.display_name,
            email: self.email,
            role: Role::parse("role", &self.role).map_err(|_| internal("unknown role in users"))?,
            avatar_url: avatar_url(self.avatar_key),
            brand_slug: self.brand_slug,
            operator: self.is_operator == 1,
        })
    }
}

/// The user of a session opened at `epoch`; `None` once the password has changed since.
pub async fn session_user(
    db: &Db,
    user_id: i64,
    epoch: i64,
) -> Result<Option<SessionUser>, AppError> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} WHERE u.id = $1 AND u.session_epoch = $2"
    ))
    .bind(user_id)
    .bind(epoch)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_err)?;
    row.map(UserRow::into_session_user).transpose()
}

pub async fn niches(db: &Db, user_id: i64) -> Result<Vec<Niche>, AppError> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT niche FROM creator_niches WHERE user_id = $1 ORDER BY niche")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await
            .map_err(db_err)?;
    Ok(names.iter().filter_map(|n| Niche::parse(n)).collect())
}

/// The networks declared by `user_id`, largest audience first.
pub async fn networks(db: &Db, user_id: i64) -> Result<Vec<SocialAccount>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT network, followers FROM social_accounts WHERE user_id = $1 ORDER BY followers DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .filter_map(|(n, f)| {
            Network::parse(&n).map(|network| SocialAccount {
                network,
                followers: f.max(0) as u64,
            })
        })
        .collect())
}

/// A brand's page, by the user id or the slug of the brand.
enum BrandKey<'a> {
    User(i64),
    Slug(&'a str),
}

async fn brand(db: &Db, key: BrandKey<'_>) -> Result<Option<BrandPage>, AppError> {
    const SELECT: &str = "SELECT b.slug, b.company_name, b.description, b.website, u.avatar_key
         FROM brands b JOIN users u ON u.id = b.user_id";
    let column = match key {
        BrandKey::User(_) => "user_id",
        BrandKey::Slug(_) => "slug",
    };
    let sql = format!("{SELECT} WHERE b.{column} = $1");
    let query = sqlx::query_as(&sql);
    let query = match key {
        BrandKey::User(id) => query.bind(id),
        BrandKey::Slug(slug) => query.bind(slug),
    };
    let row: Option<(String, String, String, String, Option<String>)> =
        query.fetch_optional(&db.pool).await.map_err(db_err)?;
    Ok(row.map(brand_page))
}

fn brand_page(
    (slug, company_name, description, website, avatar_key): (
        String,
        String,
        String,
        String,
        Option<String>,
    ),
) -> BrandPage {
    BrandPage {
        slug,
        company_name,
        description,
        website,
        avatar_url: avatar_url(avatar_key),
    }
}

/// The public page of `handle`, as seen by `viewer` (if logged in).
pub async fn profile(
    db: &Db,
    handle: &str,
    viewer: Option<i64>,
) -> Result<Option<Profile>, AppError> {
    let Some(row) =
        sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} WHERE u.handle = $1"))
            .bind(handle)
            .fetch_optional(&db.pool)
            .await
            .map_err(db_err)?
    else {
        return Ok(None);
    };
    let followers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM follows WHERE creator_id = $1")
        .bind(row.id)
        .fetch_one(&db.pool)
        .await
        .map_err(db_err)?;
    let viewer_follows = match viewer {
        Some(v) => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM follows WHERE follower_id = $1 AND creator_id = $2",
            )
            .bind(v)
            .bind(row.id)
            .fetch_one(&db.pool)
            .await
            .map_err(db_err)?
                > 0
        }
        None => false,
    };
    let id = row.id;
    let (bio, joined_at) = (row.bio.clone(), row.created_at);
    let user = row.into_session_user()?;
    let networks = networks(db, id).await?;
    let audience = networks.iter().map(|n| n.followers).sum();
    Ok(Some(Profile {
        handle: user.handle,
        display_name: user.display_name,
        role: user.role,
        bio,
        avatar_url: user.avatar_url,
        niches: niches(db, id).await?,
        networks,
        audience,
        rising: super::rules::is_rising(user.role, audience, joined_at, crate::ssr::now()),
        followers: followers.max(0) as u64,
        viewer_follows,
        viewer_is_owner: viewer == Some(id),
    }))
}

pub async fn brand_by_slug(db: &Db, slug: &str) -> Result<Option<BrandPage>, AppError> {
    brand(db, BrandKey::Slug(slug)).await
}

pub async fn settings(db: &Db, user_id: i64) -> Result<Settings, AppError> {
    let row: UserRow = sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE u.id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)?
        .ok_or(AppError::Unauthenticated)?;
    let bio = row.bio.clone();
    Ok(Settings {
        email_confirmed: email_confirmed(db, user_id).await?,
        user: row.into_session_user()?,
        bio,
        niches: niches(db, user_id).await?,
        networks: networks(db, user_id).await?,
        brand: brand(db, BrandKey::User(user_id)).await?,
    })
}

pub struct ProfileUpdate<'a> {
    pub display_name: &'a str,
    pub bio: &'a str,
    pub niches: &'a [Niche],
    pub networks: &'a [SocialAccount],
}

/// Replaces the profile fields, niches and networks in one transaction.
pub async fn update_profile(db: &Db, user_id: i64, up: ProfileUpdate<'_>) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    sqlx::query("UPDATE users SET display_name = $1, bio = $2 WHERE id = $3")
        .bind(up.display_name)
        .bind(up.bio)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    sqlx::query("DELETE FROM creator_niches WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    for niche in up.niches {
        sqlx::query("INSERT INTO creator_niches (user_id, niche) VALUES ($1, $2)")
            .bind(user_id)
            .bind(niche.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    // Networks that stay keep the engagement rate set on the marketplace profile.
    let kept: Vec<&str> = up.networks.iter().map(|a| a.network.as_str()).collect();
    let mut dropped = String::from("DELETE FROM social_accounts WHERE user_id = $1");
    if !kept.is_empty() {
        let placeholders: Vec<String> = (2..kept.len() + 2).map(|i| format!("${i}")).collect();
        dropped += &format!(" AND network NOT IN ({})", placeholders.join(", "));
    }
    let mut query = sqlx::query(&dropped).bind(user_id);
    for network in &kept {
        query = query.bind(*network);
    }
    query.execute(&mut *tx).await.map_err(db_err)?;
    for account in up.networks {
        sqlx::query(
            "INSERT INTO social_accounts (user_id, network, followers) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, network) DO UPDATE SET followers = excluded.followers",
        )
        .bind(user_id)
        .bind(account.network.as_str())
        .bind(account.followers as i64)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    crate::market::store::refresh(&mut tx, user_id).await?;
    tx.commit().await.map_err(db_err)
}

pub struct BrandUpdate<'a> {
    pub company_name: &'a str,
    pub slug: &'a str,
    pub website: &'a str,
    pub description: &'a str,
}

pub async fn update_brand(db: &Db, user_id: i64, up: BrandUpdate<'_>) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE brands SET company_name = $1, slug = $2, website = $3, description = $4
         WHERE user_id = $5",
    )
    .bind(up.company_name)
    .bind(up.slug)
    .bind(up.website)
    .bind(up.description)
    .bind(user_id)
    .execute(&db.pool)
    .await
    .map_err(unique_to_field)?;
    if done.rows_affected() == 0 {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Records the new avatar and returns the key of the one it replaces, to delete.
pub async fn set_avatar(db: &Db, user_id: i64, key: &str) -> Result<Option<String>, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let old: Option<String> = sqlx::query_scalar("SELECT avatar_key FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .flatten();
    sqlx::query("UPDATE users SET avatar_key = $1 WHERE id = $2")
        .bind(key)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(old)
}

/// Makes the account with `email` an operator, or not; `NotFound` if there is none.
pub async fn set_operator(db: &Db, email: &str, operator: bool) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE users SET is_operator = $1 WHERE email = $2")
        .bind(i64::from(operator))
        .bind(email.trim().to_lowercase())
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    if updated.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Remembers `user_id`'s time zone (an IANA name the caller checked).
pub async fn set_time_zone(db: &Db, user_id: i64, zone: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
        .bind(zone)
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The time zone remembered on `user_id`'s account, if any.
pub async fn time_zone(db: &Db, user_id: i64) -> Result<Option<String>, AppError> {
    sqlx::query_scalar::<_, Option<String>>("SELECT time_zone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_err)
        .map(Option::flatten)
}

/// A fan becomes a creator; any other role is a conflict.
pub async fn become_creator(db: &Db, user_id: i64) -> Result<(), AppError> {
    let done = sqlx::query("UPDATE users SET role = 'creator' WHERE id = $1 AND role = 'fan'")
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict("only a fan can become a creator".into()));
    }
    Ok(())
}

/// Follows (or unfollows) the creator at `handle`. Following twice changes nothing. A new
/// follow tells the creator when `notify` says so.
pub async fn set_follow(
    db: &Db,
    follower: i64,
    handle: &str,
    follow: bool,
    notify: bool,
    now: i64,
) -> Result<(), AppError> {
    let creator: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE handle = $1 AND role = 'creator'")
            .bind(handle)
            .fetch_optional(&db.pool)
            .await
            .map_err(db_err)?
            .ok_or(AppError::NotFound)?;
    if creator == follower {
        return Err(AppError::Conflict("you cannot follow yourself".into()));
    }
    if !follow {
        sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND creator_id = $2")
            .bind(follower)
            .bind(creator)
            .execute(&db.pool)
            .await
            .map_err(db_err)?;
        return Ok(());
    }
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let added = sqlx::query(
        "INSERT INTO follows (follower_id, creator_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(follower)
    .bind(creator)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if added.rows_affected() == 1 && notify {
        let (handle, display_name): (String, String) =
            sqlx::query_as("SELECT handle, display_name FROM users WHERE id = $1")
                .bind(follower)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let notice = Notice::NewFollower {
            handle,
            display_name,
        };
        notifications::notify(&mut tx, creator, &notice, now).await?;
    }
    tx.commit().await.map_err(db_err)
}

/// Creators ordered by how much they have filled in (avatar, bio) then by newest, with their
/// total declared audience. Niches are left empty: `fill_niches` adds them to the few kept.
pub async fn creator_candidates(db: &Db, limit: i64) -> Result<Vec<CreatorCard>, AppError> {
    let now = crate::ssr::now();
    let rows: Vec<(String, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT u.handle, u.display_name, u.avatar_key,
                CAST(COALESCE(SUM(s.followers), 0) AS BIGINT) AS audience, u.created_at
         FROM users u LEFT JOIN social_accounts s ON s.user_id = u.id
         WHERE u.role = 'creator'
         GROUP BY u.id, u.handle, u.display_name, u.avatar_key, u.bio, u.created_at
         ORDER BY (CASE WHEN u.avatar_key IS NULL THEN 0 ELSE 1 END)
                + (CASE WHEN u.bio = '' THEN 0 ELSE 1 END) DESC, u.created_at DESC, u.id DESC
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(handle, display_name, avatar_key, audience, joined_at)| {
            let audience = audience.max(0) as u64;
            CreatorCard {
                handle,
                display_name,
                avatar_url: avatar_url(avatar_key),
                niches: Vec::new(),
                audience,
                rising: super::rules::is_rising(Role::Creator, audience, joined_at, now),
            }
        })
        .collect())
}

/// Loads the niches of `cards` in one query.
pub async fn fill_niches(db: &Db, cards: &mut [CreatorCard]) -> Result<(), AppError> {
    if cards.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=cards.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT u.handle, n.niche FROM creator_niches n JOIN users u ON u.id = n.user_id
         WHERE u.handle IN ({}) ORDER BY n.niche",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for card in cards.iter() {
        query = query.bind(card.handle.clone());
    }
    let rows = query.fetch_all(&db.pool).await.map_err(db_err)?;
    for card in cards.iter_mut() {
        card.niches = rows
            .iter()
            .filter(|(handle, _)| *handle == card.handle)
            .filter_map(|(_, niche)| Niche::parse(niche))
            .collect();
    }
    Ok(())
}

/// Counts one attempt against `key` and returns the seconds to wait if it went over the
/// limit. One atomic statement: concurrent attempts each get their own count, so a burst
/// cannot slip past the limit between a check and a write.
pub async fn hit_rate_limit(
    db: &Db,
    key: &str,
    limit: RateLimit,
    now: i64,
) -> Result<Option<u64>, AppError> {
    let (window_start, hits): (i64, i64) = sqlx::query_as(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2
                               ELSE rate_limits.window_start END
         RETURNING window_start, hits",
    )
    .bind(key)
    .bind(now)
    .bind(now - limit.window_secs)
    .fetch_one(&db.pool)
    .await
    .map_err(db_err)?;
    // The limit applies to the attempts before this one.
    Ok(limit.retry_after(window_start, hits - 1, now))
}

/// Takes back one counted attempt, for an attempt that turned out to be legitimate.
pub async fn refund_rate_limit(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND hits > 0")
        .bind(key)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Deletes counters whose window has ended and emailed links that can no longer be used.
pub async fn purge_stale(db: &Db, now: i64) -> Result<u64, AppError> {
    let limits = sqlx::query("DELETE FROM rate_limits WHERE window_start <= $1")
        .bind(now - RateLimit::MAX_WINDOW_SECS)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    let links =
        sqlx::query("DELETE FROM email_links WHERE used_at IS NOT NULL OR expires_at <= $1")
            .bind(now)
            .execute(&db.pool)
            .await
            .map_err(db_err)?;
    Ok(limits.rows_affected() + links.rows_affected())
}

pub async fn clear_rate_limit(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1")
        .bind(key)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Records an emailed link for `purpose`, by the hash of its token.
pub async fn create_link(
    db: &Db,
    purpose: LinkPurpose,
    user_id: i64,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO email_links (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(expires_at)
    .execute(&db.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Whether `token_hash` names a `purpose` link that is unused and not expired at `now`.
pub async fn link_is_live(
    db: &Db,
    purpose: LinkPurpose,
    token_hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM email_links
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_err)?;
    Ok(found.is_some())
}

/// Uses up a `purpose` link in the caller's transaction, so that a link works once, before it
/// expires, and two concurrent uses cannot both succeed. The link proves the owner reads mail
/// at the account's address, so the address counts as confirmed from then on. Other links of
/// the same purpose sent earlier are retired with it. Returns the account.
async fn redeem_link(
    conn: &mut sqlx::AnyConnection,
    purpose: LinkPurpose,
    token_hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    let user_id: i64 = sqlx::query_scalar(
        "UPDATE email_links SET used_at = $1
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or_else(|| AppError::invalid("token", Problem::LinkExpired))?;
    sqlx::query(
        "UPDATE email_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(user_id)
}

/// Uses up a reset link and sets the new password, atomically. Returns the user id and the
/// new session epoch.
pub async fn redeem_reset(
    db: &Db,
    token_hash: &str,
    new_hash: &str,
    now: i64,
) -> Result<(i64, i64), AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let user_id = redeem_link(&mut tx, LinkPurpose::Reset, token_hash, now).await?;
    let epoch = set_password_in(&mut tx, user_id, new_hash, now).await?;
    tx.commit().await.map_err(db_err)?;
    Ok((user_id, epoch))
}

/// Uses up a confirmation link. Returns the address it confirmed.
pub async fn redeem_confirmation(db: &Db, token_hash: &str, now: i64) -> Result<String, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let user_id = redeem_link(&mut tx, LinkPurpose::Confirm, token_hash, now).await?;
    let email = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(email)
}

/// The address a `purpose` link was sent to, if it was ever sent (used or expired too) and
/// the address is confirmed by now.
pub async fn confirmed_address_of_link(
    db: &Db,
    purpose: LinkPurpose,
    token_hash: &str,
) -> Result<Option<String>, AppError> {
    sqlx::query_scalar(
        "SELECT u.email FROM email_links l JOIN users u ON u.id = l.user_id
         WHERE l.token_hash = $1 AND l.purpose = $2 AND u.email_confirmed_at IS NOT NULL",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&db.pool)
    .await
    .map_err(db_err)
}

/// Uses up a sign-in link. Returns the account and its session epoch, to log in with.
pub async fn redeem_login_link(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<(i64, i64), AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let user_id = redeem_link(&mut tx, LinkPurpose::Login, token_hash, now).await?;
    let epoch: i64 = sqlx::query_scalar("SELECT session_epoch FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok((user_id, epoch))
}

/// Counts `user_id`'s address as confirmed from `at`, for accounts whose address is known to
/// be right without a link (the demo data's).
pub async fn set_email_confirmed(db: &Db, user_id: i64, at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET email_confirmed_at = $1 WHERE id = $2")
        .bind(at)
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Whether the owner of `user_id` has proved their address is theirs.
pub async fn email_confirmed(db: &Db, user_id: i64) -> Result<bool, AppError> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT email_confirmed_at FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await
            .map_err(db_err)?;
    Ok(at.flatten().is_some())
}
