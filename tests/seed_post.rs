//! The post herald was specified from, pinned field by field.

mod common;

use common::{entries_json, root};

#[test]
fn seed_post_entry_is_pinned_field_by_field() {
    let entries = entries_json(&root(), &[]);
    let seed = entries
        .iter()
        .find(|e| {
            e["source"]
                .as_str()
                .unwrap()
                .ends_with("2020-09-04-community-update.md")
        })
        .expect("the seed post is in posts/");
    assert_eq!(seed["title"], "Flink Community Update - August'20");
    assert_eq!(seed["published"], "2020-09-04T08:00:00Z");
    assert_eq!(seed["updated"], "2020-09-04T08:00:00Z");
    assert_eq!(
        seed["permalink"],
        "https://flink.apache.org/2020/09/04/flink-community-update-august20/"
    );
    assert_eq!(seed["id"], seed["permalink"]);
    assert_eq!(
        seed["authors"],
        serde_json::json!([{ "name": "Marta Paes", "twitter": "morsapaes" }])
    );
    assert!(seed["summary_text"]
        .as_str()
        .unwrap()
        .starts_with("Ah, so much for a quiet August month."));

    let content = seed["content_html"].as_str().unwrap();
    // The table of contents stands where {% toc %} was, linking to the headings' ids.
    let toc = content.find("<nav>").expect("a table of contents");
    assert!(
        toc < content.find("<h1").unwrap(),
        "the TOC comes before the first heading"
    );
    assert!(content.contains(
        "<a href=\"https://flink.apache.org/2020/09/04/flink-community-update-august20/#the-past-month-in-flink\" rel=\"noopener\">The Past Month in Flink</a>"
    ));
    assert!(content.contains("<h1 id=\"the-past-month-in-flink\">"));
    for url in [
        "https://nightlies.apache.org/flink/flink-statefun-docs-master/",
        "https://avatars3.githubusercontent.com/u/5466492?s=400&amp;u=7e01cfb0dd0e0dc57d181b986a379027bba48ec4&amp;v=4",
        "https://avatars3.githubusercontent.com/u/43608?s=400&amp;v=4",
        "https://flink.apache.org/img/blog/2020-09-04-community-update/2020-09-04-community-update_1.png",
    ] {
        assert!(content.contains(&format!("=\"{url}\"")), "{url} missing");
    }
    for bad in [
        "{{<", "{%", "<script", "class=", "href=\"/", "src=\"/", "href=\"#",
    ] {
        assert!(!content.contains(bad), "{bad} left in the content");
    }
    assert_eq!(
        seed["image"],
        "https://avatars3.githubusercontent.com/u/5466492?s=400&u=7e01cfb0dd0e0dc57d181b986a379027bba48ec4&v=4"
    );
}
