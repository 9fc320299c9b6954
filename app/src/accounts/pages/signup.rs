use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::ui::form::{action_error, Field, FormError};
use crate::ui::layout::use_auth;

const FIELDS: &[&str] = &[
    "role",
    "display_name",
    "handle",
    "email",
    "password",
    "company_name",
    "slug",
];

/// Sign-up. The brand fields show when "brand" is chosen, through CSS alone, so the form is
/// complete before (or without) the WASM.
#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let signup = use_auth().signup;
    let errors = action_error(signup);
    // The role picked before a refused post without JavaScript, else the one the link named.
    let chosen = crate::ui::flash::form_flash()
        .and_then(|flash| flash.value("role").map(str::to_owned))
        .or_else(|| use_query_map().read_untracked().get("role"))
        .unwrap_or_else(|| "creator".to_owned());
    let role = move |value: &'static str, title: Signal<String>, text: Signal<String>| {
        view! {
            <label class="role-card">
                <input type="radio" name="role" value=value checked=chosen == value />
                <span class="role-title">{title}</span>
                <span class="role-text">{text}</span>
            </label>
        }
    };
    view! {
        <Title text=move || t_string!(i18n, signup.title).to_string() />
        <section class="auth-card auth-card-wide">
            <h1>{t!(i18n, signup.title)}</h1>
            <p class="lede">{t!(i18n, signup.lede)}</p>
            <ActionForm action=signup attr:class="form signup-form">
                <fieldset class="role-choice">
                    <legend>{t!(i18n, signup.i_am)}</legend>
                    {role("creator", Signal::derive(move || t_string!(i18n, roles.creator).to_string()), Signal::derive(move || t_string!(i18n, signup.creator_text).to_string()))}
                    {role("fan", Signal::derive(move || t_string!(i18n, roles.fan).to_string()), Signal::derive(move || t_string!(i18n, signup.fan_text).to_string()))}
                    {role("brand", Signal::derive(move || t_string!(i18n, roles.brand).to_string()), Signal::derive(move || t_string!(i18n, signup.brand_text).to_string()))}
                </fieldset>
                <div class="form-grid">
                    <Field name="display_name" label=Signal::derive(move || t_string!(i18n, fields.display_name).to_string()) errors autocomplete="name" required=true />
                    <Field name="handle" label=Signal::derive(move || t_string!(i18n, fields.handle).to_string()) errors prefix="@" autocomplete="username" required=true
                        hint=Signal::derive(move || t_string!(i18n, fields.handle_hint).to_string()) />
                </div>
                <Field name="email" kind="email" label=Signal::derive(move || t_string!(i18n, fields.email).to_string()) errors autocomplete="email" required=true />
                <Field name="password" kind="password" label=Signal::derive(move || t_string!(i18n, fields.password).to_string()) errors autocomplete="new-password" required=true
                    hint=Signal::derive(move || t_string!(i18n, fields.password_hint).to_string()) />
                <fieldset class="brand-fields">
                    <legend>{t!(i18n, signup.brand_details)}</legend>
                    <div class="form-grid">
                        <Field name="company_name" label=Signal::derive(move || t_string!(i18n, fields.company_name).to_string()) errors autocomplete="organization" />
                        <Field name="slug" label=Signal::derive(move || t_string!(i18n, fields.slug).to_string()) errors prefix="/brands/"
                            hint=Signal::derive(move || t_string!(i18n, fields.slug_hint).to_string()) />
                    </div>
                </fieldset>
                <FormError errors fields=FIELDS />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || signup.pending().get()>
                    {move || if signup.pending().get() { t_string!(i18n, signup.pending).to_string() } else { t_string!(i18n, signup.submit).to_string() }}
                </button>
            </ActionForm>
            <p class="auth-switch">{t!(i18n, signup.have_account)} " " <a href="/login">{t!(i18n, nav.login)}</a></p>
        </section>
    }
}
