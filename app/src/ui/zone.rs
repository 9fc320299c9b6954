//! Time zones. Pages show times in the reader's zone and forms take them in it; the database
//! keeps UTC. The zone is the browser's: kept in a cookie so that the page the server renders
//! and the one the browser hydrates agree, and remembered on the account. Until the browser
//! has said which zone it is in, times are in UTC, named so.

use leptos::prelude::*;

/// The cookie that carries the reader's zone.
pub const COOKIE: &str = "tz";
/// A year, in seconds: the cookie's lifetime.
const COOKIE_MAX_AGE: u32 = 365 * 24 * 3_600;

/// A time zone by its IANA name (`Europe/Paris`), known to the tz database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Zone(String);

impl Default for Zone {
    fn default() -> Self {
        Self("UTC".to_owned())
    }
}

impl Zone {
    /// The zone called `name`, if the tz database knows it.
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        let plausible = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
        (plausible && known(name)).then(|| Self(name.to_owned()))
    }

    pub fn name(&self) -> &str {
        &self.0
    }

    pub fn is_utc(&self) -> bool {
        matches!(self.0.as_str(), "UTC" | "Etc/UTC")
    }

    /// The place the zone is named after, as people say it: `Paris`, `New York`.
    pub fn city(&self) -> String {
        self.0
            .rsplit('/')
            .next()
            .unwrap_or(&self.0)
            .replace('_', " ")
    }

    /// How far the zone's clocks are ahead of UTC at the instant `ts` (Unix seconds).
    pub fn offset_at(&self, ts: i64) -> i64 {
        if self.is_utc() {
            0
        } else {
            offset_at(&self.0, ts)
        }
    }

    /// The instant the zone's clocks show `local` (Unix seconds of that wall-clock time read
    /// as UTC). When the clocks go back and it happens twice, the first; when they jump over
    /// it, `None`.
    pub fn instant_of(&self, local: i64) -> Option<i64> {
        // The offsets around `local` (a day either way covers every change of clocks).
        let mut candidates: Vec<i64> = [local - 86_400, local, local + 86_400]
            .into_iter()
            .map(|probe| local - self.offset_at(probe))
            .filter(|&ts| ts + self.offset_at(ts) == local)
            .collect();
        candidates.sort_unstable();
        candidates.first().copied()
    }
}

#[cfg(feature = "ssr")]
fn known(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

#[cfg(feature = "ssr")]
fn offset_at(name: &str, ts: i64) -> i64 {
    use chrono::{Offset, TimeZone};
    let (Ok(tz), Some(at)) = (
        name.parse::<chrono_tz::Tz>(),
        chrono::DateTime::from_timestamp(ts, 0),
    ) else {
        return 0;
    };
    i64::from(
        tz.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc(),
    )
}

/// The browser's own formatter for `name`, or `None` if it does not know the zone.
#[cfg(not(feature = "ssr"))]
fn formatter(name: &str) -> Option<js_sys::Intl::DateTimeFormat> {
    use wasm_bindgen::JsCast;
    let options = js_sys::Object::new();
    for (key, value) in [
        ("timeZone", name),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    // An unknown zone throws a RangeError, which `construct` returns (no `eval`: the page's
    // content security policy forbids it).
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let class: js_sys::Function = js_sys::Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args = js_sys::Array::of2(&"en-US".into(), &options);
    js_sys::Reflect::construct(&class, &args)
        .ok()
        .map(wasm_bindgen::JsCast::unchecked_into)
}

#[cfg(not(feature = "ssr"))]
fn known(name: &str) -> bool {
    formatter(name).is_some()
}

#[cfg(not(feature = "ssr"))]
fn offset_at(name: &str, ts: i64) -> i64 {
    use wasm_bindgen::JsCast;
    let Some(format) = formatter(name) else {
        return 0;
    };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1_000.0));
    let mut field = [0i64; 6];
    for part in format.format_to_parts(&date).iter() {
        let Ok(part) = part.dyn_into::<js_sys::Object>() else {
            continue;
        };
        let get = |key: &str| js_sys::Reflect::get(&part, &key.into()).ok()?.as_string();
        let slot = match get("type").as_deref() {
            Some("year") => 0,
            Some("month") => 1,
            Some("day") => 2,
            Some("hour") => 3,
            Some("minute") => 4,
            Some("second") => 5,
            _ => continue,
        };
        field[slot] = get("value").and_then(|v| v.parse().ok()).unwrap_or(0);
    }
    let [year, month, day, hour, minute, second] = field;
    let local = super::date::days_from_civil(year, month, day) * 86_400
        + hour * 3_600
        + minute * 60
        + second;
    local - ts
}

/// The zone pages render times in: shared by every page through the context.
pub fn use_zone() -> Zone {
    use_context::<RwSignal<Zone>>()
        .map(|zone| zone.get())
        .unwrap_or_default()
}

/// The reader's zone as pages name it next to a time: `Paris`, `New York`, or `UTC`.
pub fn zone_label() -> String {
    let zone = use_zone();
    if zone.is_utc() {
        "UTC".to_owned()
    } else {
        zone.city()
    }
}

/// The `Set-Cookie` value that keeps `zone` for a year, site-wide.
pub fn set_cookie(zone: &Zone) -> String {
    format!(
        "{COOKIE}={}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax",
        zone.name()
    )
}

/// Provides the reader's zone to every page: the cookie's (the same on the server and in the
/// browser, so hydration agrees), and once the page runs, the browser's own, remembered in the
/// cookie and, for a signed-in person, on their account.
pub fn provide_zone() {
    let zone = RwSignal::new(cookie_zone().unwrap_or_default());
    provide_context(zone);
    #[cfg(not(feature = "ssr"))]
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let browser =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        let name = js_sys::Reflect::get(&browser, &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string());
        let Some(found) = name.as_deref().and_then(Zone::parse) else {
            return;
        };
        if found != zone.get_untracked() || cookie_zone().is_none() {
            if let Some(document) = leptos::prelude::document().dyn_ref::<web_sys::HtmlDocument>() {
                let _ = document.set_cookie(&set_cookie(&found));
            }
            zone.set(found.clone());
            leptos::task::spawn_local(async move {
                // Only a signed-in person has an account to remember it on.
                let _ = crate::accounts::api::remember_time_zone(found.name().to_owned()).await;
            });
        }
    });
}

/// The zone named by the request's (or the document's) cookie.
fn cookie_zone() -> Option<Zone> {
    #[cfg(feature = "ssr")]
    let value =
        crate::ssr::cookies(&use_context::<http::request::Parts>()?.headers, COOKIE).pop()?;
    #[cfg(not(feature = "ssr"))]
    let value = {
        use wasm_bindgen::JsCast;
        let cookies = leptos::prelude::document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()?
            .cookie()
            .ok()?;
        cookie::Cookie::split_parse(cookies)
            .filter_map(Result::ok)
            .find(|c| c.name() == COOKIE)?
            .value()
            .to_owned()
    };
    Zone::parse(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_the_tz_database_knows_are_zones() {
        assert!(Zone::parse("Europe/Paris").is_some());
        assert!(Zone::parse("America/New_York").is_some());
        for hostile in [
            "",
            "Mars/Olympus",
            "</script>",
            "Europe/Paris; Path=/",
            &"A".repeat(65),
        ] {
            assert_eq!(Zone::parse(hostile), None, "{hostile}");
        }
        assert_eq!(Zone::parse("America/New_York").unwrap().city(), "New York");
    }

    #[test]
    fn paris_is_an_hour_ahead_in_winter_and_two_in_summer() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        // 2027-01-10T19:00Z and 2027-07-10T18:00Z.
        assert_eq!(paris.offset_at(1_799_607_600), 3_600);
        assert_eq!(paris.offset_at(1_815_242_400), 7_200);
        // 20:00 on 10 January 2027 in Paris is 19:00 UTC.
        assert_eq!(paris.instant_of(1_799_611_200), Some(1_799_607_600));
    }

    #[test]
    fn a_time_the_clocks_skip_does_not_exist_and_one_they_repeat_is_the_first() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        // 28 March 2027, 02:30 in Paris: the clocks jump from 02:00 to 03:00.
        let skipped = crate::ui::date::parse_date_time("2027-03-28T02:30").unwrap();
        assert_eq!(paris.instant_of(skipped), None);
        // 31 October 2027, 02:30 happens twice: the first is 00:30 UTC.
        let twice = crate::ui::date::parse_date_time("2027-10-31T02:30").unwrap();
        assert_eq!(
            paris.instant_of(twice),
            crate::ui::date::parse_date_time("2027-10-31T00:30")
        );
        assert_eq!(Zone::default().instant_of(twice), Some(twice));
    }
}
