// Charts of the capacity dashboard and of host and guest pages, drawn with uPlot from Virtdeck's metrics API.
// Bundled with uPlot into one file by build.mjs; loaded as a module (no inline scripts under the CSP).
import uPlot from 'uplot';

const GIB = 1024;
const palette = { cpu: '#1f5fbf', memory: '#8a4fbf', read: '#0f7b3f', write: '#b35900', rx: '#0f7b8a', tx: '#a3324f' };

function bytesPerSecond(value) {
  if (value == null) return '';
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let v = value;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 && u > 0 ? 1 : 0)} ${units[u]}`;
}

function fetchJson(url) {
  return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then((response) => {
      if (!response.ok) throw new Error(`${response.status} from ${url}`);
      return response.json();
    });
}

function seconds(points) {
  return points.map((p) => Date.parse(p.at) / 1000);
}

function empty(el, text) {
  el.replaceChildren();
  const p = document.createElement('p');
  p.className = 'muted chart-empty';
  p.textContent = text;
  el.append(p);
}

// One uPlot chart filling its element's width; redrawn at the new width when the window changes size.
function plot(el, title, data, series, axes) {
  el.replaceChildren();
  const width = Math.max(280, el.clientWidth);
  const height = el.classList.contains('tall') ? 260 : 200;
  const chart = new uPlot({ title, width, height, series: [{}, ...series], axes, cursor: { drag: { x: false } },
    legend: { live: true } }, data, el);
  charts.push({ el, chart });
  return chart;
}

const charts = [];
let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const { el, chart } of charts) chart.setSize({ width: Math.max(280, el.clientWidth), height: chart.height });
  }, 150);
});

function fleetTrends(el) {
  fetchJson(el.dataset.trendsUrl).then((trends) => {
    if (!trends.points.length) {
      empty(el, 'No history yet: trends start once the first 5-minute averages are made.');
      return;
    }
    const cpus = Number(el.dataset.cpus || 0);
    const memoryGiB = Number(el.dataset.memory || 0) / GIB;
    plot(el, null, [seconds(trends.points), trends.points.map((p) => p.cpu),
      trends.points.map((p) => (p.memoryMiB == null ? null : p.memoryMiB / GIB))], [
      { label: `CPU busy (cores of ${cpus})`, stroke: palette.cpu, width: 2, scale: 'cores',
        value: (u, v) => (v == null ? '' : v.toFixed(1)) },
      { label: `Memory in use (GiB of ${memoryGiB.toFixed(0)})`, stroke: palette.memory, width: 2, scale: 'gib',
        value: (u, v) => (v == null ? '' : v.toFixed(1)) }
    ], [{}, { scale: 'cores', label: 'cores' }, { scale: 'gib', side: 1, label: 'GiB', grid: { show: false } }]);
  }).catch((error) => empty(el, `The trends could not be read (${error.message}).`));
}

function objectMetrics(el) {
  const picker = el.querySelector('select[data-range]');
  const area = el.querySelector('.metric-charts');
  const load = () => {
    const from = new Date(Date.now() - Number(picker.value) * 1000).toISOString();
    fetchJson(`${el.dataset.metricsUrl}?from=${encodeURIComponent(from)}`).then((series) => {
      charts.length = 0;
      if (!series.points.length) {
        empty(area, 'No samples in this range yet. Virtdeck samples running guests every few seconds.');
        return;
      }
      const x = seconds(series.points);
      const pick = (name) => series.points.map((p) => p[name]);
      const cells = ['cpu', 'memory', 'disk', 'network'].map((name) => {
        const cell = document.createElement('div');
        cell.className = `chart chart-${name}`;
        return cell;
      });
      area.replaceChildren(...cells);
      const rate = { value: (u, v) => bytesPerSecond(v) };
      const rateAxis = [{}, { values: (u, vals) => vals.map(bytesPerSecond), size: 80 }];
      plot(cells[0], 'CPU (cores busy)', [x, pick('cpu')],
        [{ label: 'CPU', stroke: palette.cpu, width: 2, value: (u, v) => (v == null ? '' : v.toFixed(2)) }]);
      plot(cells[1], 'Memory (MiB in use)', [x, pick('memoryMiB')],
        [{ label: 'Memory', stroke: palette.memory, width: 2, value: (u, v) => (v == null ? '' : v.toFixed(0)) }]);
      plot(cells[2], 'Disk', [x, pick('diskReadBps'), pick('diskWriteBps')],
        [{ label: 'Read', stroke: palette.read, width: 2, ...rate }, { label: 'Write', stroke: palette.write, width: 2, ...rate }],
        rateAxis);
      plot(cells[3], 'Network', [x, pick('netRxBps'), pick('netTxBps')],
        [{ label: 'Received', stroke: palette.rx, width: 2, ...rate }, { label: 'Sent', stroke: palette.tx, width: 2, ...rate }],
        rateAxis);
    }).catch((error) => empty(area, `The metrics could not be read (${error.message}).`));
  };
  picker.addEventListener('change', load);
  load();
}

document.querySelectorAll('[data-trends-url]').forEach(fleetTrends);
document.querySelectorAll('[data-metrics-url]').forEach(objectMetrics);
