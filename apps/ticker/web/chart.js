// A tiny live line chart of one symbol's mid price, shared by both ticker pages.
// Prices arrive as integers in units of 1e-8 (PriceE8).
"use strict";
export class Chart {
  constructor(canvas, points = 300) { this.canvas = canvas; this.points = points; this.series = new Map(); }
  add(symbol, priceE8) {
    let s = this.series.get(symbol);
    if (!s) this.series.set(symbol, (s = []));
    s.push(priceE8 / 1e8);
    if (s.length > this.points) s.shift();
  }
  draw(symbol) {
    const ctx = this.canvas.getContext("2d"), w = this.canvas.width, h = this.canvas.height;
    ctx.clearRect(0, 0, w, h);
    const s = this.series.get(symbol);
    if (!s || s.length < 2) return;
    const lo = Math.min(...s), hi = Math.max(...s), span = hi - lo || 1;
    ctx.strokeStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath();
    s.forEach((v, i) => {
      const x = (i / (this.points - 1)) * w, y = h - 10 - ((v - lo) / span) * (h - 20);
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
    ctx.fillStyle = "#374151"; ctx.font = "12px sans-serif";
    ctx.fillText(`${symbol} ${s[s.length - 1].toFixed(2)}  (${lo.toFixed(2)}–${hi.toFixed(2)})`, 8, 16);
  }
}
export const price = (e8) => (e8 / 1e8).toFixed(2);

/// The table row of `symbol` in `tbody`, created on first use.
export function quoteRow(tbody, symbol) {
  let tr = document.getElementById("q-" + symbol);
  if (!tr) {
    tr = document.createElement("tr");
    tr.id = "q-" + symbol;
    tr.innerHTML = `<td>${symbol}</td><td class=bid></td><td class=ask></td><td class=last></td>`;
    tbody.appendChild(tr);
  }
  return tr;
}
