//! Charts drawn on the server as SVG: no JavaScript, printable, and readable by a screen
//! reader through their `<title>` and `<desc>`. Colours come from classes in the stylesheet
//! (the CSP allows no inline styles). Every mark carries `data-label` and `data-value`, so
//! what is drawn can be checked against the database.
//!
//! Labels may be user text (manufacturer names): everything is XML-escaped here, which is
//! what lets the templates include the finished SVG unescaped.

use std::fmt::Write;

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A value as it is written into `data-value`: whole numbers without a decimal point.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// One series of a bar chart.
pub struct Series<'a> {
    pub name: &'a str,
    /// The stylesheet class of its bars.
    pub class: &'a str,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 12.0;

/// A round number at or above `max`, so the axis reads well.
fn axis_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn open(out: &mut String, id: &str, title: &str, description: &str, width: f64, height: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(description)
    );
}

/// Vertical bars, one group per label with a bar per series, with a y axis and a legend.
pub fn bars(
    id: &str,
    title: &str,
    description: &str,
    labels: &[String],
    series: &[Series],
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, description, WIDTH, HEIGHT);
    let max = axis_max(
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max),
    );
    let plot_height = HEIGHT - BOTTOM - TOP;
    let plot_width = WIDTH - LEFT - 8.0;
    let group = plot_width / labels.len().max(1) as f64;
    let bar = (group * 0.8) / series.len().max(1) as f64;
    out.push_str("<g class=\"chart-axis\">");
    for tick in 0..=4 {
        let value = max * f64::from(tick) / 4.0;
        let y = TOP + plot_height - plot_height * f64::from(tick) / 4.0;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - 8.0,
            LEFT - 4.0,
            y + 4.0,
            number(value)
        );
    }
    out.push_str("</g>");
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + group * i as f64 + group * 0.1;
        for (j, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0.0);
            let h = plot_height * value / max;
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" \
                 data-series=\"{}\" data-label=\"{}\" data-value=\"{}\"><title>{}, {}: {}</title></rect>",
                escape(s.class),
                x0 + bar * j as f64,
                TOP + plot_height - h,
                (bar - 1.0).max(1.0),
                escape(s.name),
                escape(label),
                number(value),
                escape(s.name),
                escape(label),
                number(value)
            );
        }
        // Every other label, so they never overlap.
        if i % 2 == 0 || labels.len() <= 6 {
            let _ = write!(
                out,
                "<text class=\"chart-label\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x0 + group * 0.4,
                HEIGHT - BOTTOM + 16.0,
                escape(label)
            );
        }
    }
    if series.len() > 1 {
        for (j, s) in series.iter().enumerate() {
            let x = LEFT + 130.0 * j as f64;
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\"/>\
                 <text class=\"chart-label\" x=\"{}\" y=\"{}\">{}</text>",
                escape(s.class),
                HEIGHT - 14.0,
                x + 14.0,
                HEIGHT - 5.0,
                escape(s.name)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per labelled value, each with its own class.
pub fn horizontal_bars(
    id: &str,
    title: &str,
    description: &str,
    items: &[(String, f64, &str)],
) -> String {
    let row = 26.0;
    let label_width = 170.0;
    let height = row * items.len().max(1) as f64 + 8.0;
    let mut out = String::new();
    open(&mut out, id, title, description, WIDTH, height);
    let max = axis_max(items.iter().map(|i| i.1).fold(0.0, f64::max));
    let plot = WIDTH - label_width - 50.0;
    for (i, (label, value, class)) in items.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let w = plot * value / max;
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"{}\" x=\"{label_width}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" \
             data-label=\"{}\" data-value=\"{}\"><title>{}: {}</title></rect>\
             <text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_width - 6.0,
            y + 15.0,
            escape(label),
            escape(class),
            row - 6.0,
            escape(label),
            number(*value),
            escape(label),
            number(*value),
            label_width + w + 6.0,
            y + 15.0,
            number(*value)
        );
    }
    out.push_str("</svg>");
    out
}

/// A small line over time (a site's daily health), 0–100 on the y axis.
pub fn sparkline(id: &str, title: &str, description: &str, points: &[(String, f64)]) -> String {
    let (width, height) = (300.0, 60.0);
    let mut out = String::new();
    open(&mut out, id, title, description, width, height);
    let step = if points.len() > 1 {
        (width - 8.0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let place = |i: usize, value: f64| {
        (
            4.0 + step * i as f64,
            4.0 + (height - 8.0) * (100.0 - value) / 100.0,
        )
    };
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = place(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        out,
        "<polyline class=\"sparkline\" fill=\"none\" points=\"{}\"/>",
        path.join(" ")
    );
    for (i, (label, value)) in points.iter().enumerate() {
        let (x, y) = place(i, *value);
        let _ = write!(
            out,
            "<circle class=\"sparkline-point\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"1.5\" \
             data-label=\"{}\" data-value=\"{}\"><title>{}: {}</title></circle>",
            escape(label),
            number(*value),
            escape(label),
            number(*value)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let svg = horizontal_bars(
            "m",
            "Breakdowns <by> make",
            "d",
            &[("A&B \"Lifts\" <script>".into(), 3.0, "bar")],
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("A&amp;B &quot;Lifts&quot; &lt;script&gt;"));
        assert!(svg.contains("<title id=\"m-title\">Breakdowns &lt;by&gt; make</title>"));
    }

    #[test]
    fn axis_rounds_up() {
        assert_eq!(axis_max(0.0), 1.0);
        assert_eq!(axis_max(7.0), 10.0);
        assert_eq!(axis_max(13.0), 20.0);
        assert_eq!(axis_max(230.0), 250.0);
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
    }
}
