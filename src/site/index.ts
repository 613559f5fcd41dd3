export { renderSite, statusJson } from './render.js';
export { siteModel, type SiteModel, type SiteOptions, type ServiceView, type IncidentView } from './model.js';
export { renderIndexHtml } from './html.js';
export { responseChart } from './chart.js';
export { renderFeed } from './feed.js';
export { dailyBars, BAR_DAYS, type DayView } from './days.js';
