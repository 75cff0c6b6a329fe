#include "engine/sim/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sb::sim {
namespace {

constexpr double kWidth = 900, kLeft = 70, kRight = 20, kPanel = 200, kGap = 60, kTop = 40;

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

// A "nice" step for about `ticks` ticks over [0, max].
double nice_step(double max, int ticks) {
  const double raw = std::max(max, 1e-9) / ticks;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * magnitude) return m * magnitude;
  }
  return 10 * magnitude;
}

class Panel {
 public:
  Panel(double top, double y_max, double duration_h)
      : top_(top), y_max_(y_max), duration_h_(duration_h) {}
  double x(double hours) const { return kLeft + (kWidth - kLeft - kRight) * hours / duration_h_; }
  double y(double v) const { return top_ + kPanel - kPanel * std::min(v, y_max_) / y_max_; }

  std::string frame(const std::string& label, double y_step, bool percent) const {
    std::string out =
        fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#999\"/>\n",
            kLeft, top_, kWidth - kLeft - kRight, kPanel);
    out += "<text x=\"" + fmt("%.1f", kLeft) + "\" y=\"" + fmt("%.1f", top_ - 8) +
           "\" font-size=\"13\">" + escape(label) + "</text>\n";
    for (double v = 0; v <= y_max_ + 1e-9; v += y_step) {
      out += fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", kLeft,
                 y(v), kWidth - kRight, y(v));
      out += fmt("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">", kLeft - 6,
                 y(v) + 4) +
             (percent ? fmt("%.0f%%", v * 100) : fmt("%g", v)) + "</text>\n";
    }
    const double x_step = nice_step(duration_h_, 8);
    for (double h = 0; h <= duration_h_ + 1e-9; h += x_step) {
      out += fmt("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%gh</text>\n",
                 x(h), top_ + kPanel + 15, h);
    }
    return out;
  }

 private:
  double top_, y_max_, duration_h_;
};

}  // namespace

std::string timeline_svg(const std::vector<Sample>& timeline, double duration_s, double target,
                         const std::string& title) {
  const double duration_h = std::max(duration_s / 3600, 1e-6);
  const double height = kTop + 2 * kPanel + kGap + 40;
  std::string out =
      fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 "
          "%.0f %.0f\" font-family=\"sans-serif\">\n",
          kWidth, height, kWidth, height);
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += "<text x=\"" + fmt("%.1f", kLeft) + "\" y=\"20\" font-size=\"15\" font-weight=\"bold\">" +
         escape(title) + "</text>\n";

  const Panel sl(kTop + 10, 1.0, duration_h);
  out += sl.frame("service level per interval", 0.2, true);
  if (target > 0) {
    out +=
        fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c33\" "
            "stroke-dasharray=\"6 4\"/>\n",
            kLeft, sl.y(target), kWidth - kRight, sl.y(target));
  }
  std::string points;
  for (const Sample& s : timeline) {
    if (s.service_level) points += fmt("%.1f,%.1f ", sl.x(s.at_s / 3600), sl.y(*s.service_level));
  }
  out +=
      "<polyline fill=\"none\" stroke=\"#2a6\" stroke-width=\"1.5\" points=\"" + points + "\"/>\n";

  double max_waiting = 1;
  for (const Sample& s : timeline) max_waiting = std::max<double>(max_waiting, s.waiting);
  const double step = nice_step(max_waiting, 5);
  const Panel waiting(kTop + kPanel + kGap + 10, std::ceil(max_waiting / step) * step, duration_h);
  out += waiting.frame("interactions waiting", step, false);
  points.clear();
  for (const Sample& s : timeline) {
    points += fmt("%.1f,%.1f ", waiting.x(s.at_s / 3600), waiting.y(s.waiting));
  }
  out +=
      "<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"" + points + "\"/>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace sb::sim
