//! What people see of their account: sign-up, login (by password or an emailed link), address
//! confirmation, password reset, settings, dashboard, and the public pages of creators and
//! brands.

pub mod brand;
pub mod confirm;
pub mod dashboard;
pub mod login;
pub mod profile;
pub mod reset;
pub mod settings;
pub mod signup;
