export { renderSite, statusJson } from './render.js';
export { siteModel, type SiteModel, type SiteOptions, type ServiceView, type IncidentView } from './model.js';
export { renderIndexHtml } from './html.js';
export { responseChart } from './chart.js';
