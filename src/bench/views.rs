use askama::Template;

use super::queries::Fortune;

#[derive(Template)]
#[template(path = "bench/fortunes.html")]
pub struct FortunesPage {
    pub slug: String,
    pub how: &'static str,
    pub rows: Vec<Fortune>,
}
