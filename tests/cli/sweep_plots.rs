//! The plots of `belonging sweep`: categorical values are drawn as categories, labelled with
//! the values themselves (a boolean sweep once got a number line from 0 to 1 with a line
//! interpolated between the two categories).

use crate::common::*;

/// Every `<text>` element of an SVG: (its attributes, its text).
fn svg_texts(svg: &str) -> Vec<(String, String)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (attrs, body) = t.split_once('>')?;
            Some((
                attrs.to_string(),
                body.split_once("</text>")?.0.trim().to_string(),
            ))
        })
        .collect()
}

#[test]
fn a_boolean_sweep_is_plotted_as_two_labelled_categories() {
    let tmp = tempdir();
    let out = tmp.path().join("sweep");
    belonging(&[
        "sweep",
        "default",
        "--vary",
        "support.enabled=true,false",
        "--set",
        "population.size=200",
        "--set",
        "steps=30",
        "--set",
        "burn_in=10",
        "-r",
        "2",
        "--quiet",
        "--out",
        out.to_str().expect("UTF-8 temp path"),
    ])
    .success();
    let plots = out.join("plots");
    let png = read(&plots.join("response.png"));
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 1000,
        "plots/response.png"
    );
    assert!(
        !plots.join("heatmap.png").exists(),
        "one varied field: no heatmap"
    );
    let texts = svg_texts(&read_string(&plots.join("response.svg")));
    // x tick labels are centred under their tick (the y axis's are right-aligned).
    let centred: Vec<&str> = texts
        .iter()
        .filter(|(attrs, _)| attrs.contains(r#"text-anchor="middle""#))
        .map(|(_, t)| t.as_str())
        .collect();
    for label in ["true", "false"] {
        assert!(
            centred.contains(&label),
            "no x tick labelled `{label}` in {centred:?}"
        );
    }
    // The categories are not positions on a number line: no x tick is a number (0, 0.5, 1).
    assert!(
        !centred.iter().any(|t| t.parse::<f64>().is_ok()),
        "a numeric x tick on the category axis: {centred:?}"
    );
    assert!(
        !texts.iter().any(|(_, t)| t == "0.5"),
        "no tick labelled 0.5 anywhere: {texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|(_, t)| t.contains("n = 2 replicates per point")),
        "the title gives n: {texts:?}"
    );
}
