//! The floor for the benchmark: what reading every post, rendering it with pulldown-cmark and
//! cleaning it with ammonia costs on all cores, with herald's own libraries and nothing else.
//!
//! usage: cargo run --release --example floor -- POSTS_DIR

use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: floor POSTS_DIR");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("a posts directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let cleaner = ammonia::Builder::default();
    let options =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_FOOTNOTES;
    let bytes: usize = paths
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("a readable post");
            let body = text
                .split_once("\n---\n")
                .map_or(text.as_str(), |(_, body)| body);
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(body, options),
            );
            cleaner.clean(&html).to_string().len()
        })
        .sum();
    println!("{} posts, {bytes} bytes of clean HTML", paths.len());
}
