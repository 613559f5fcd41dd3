// bottleneck ships types for its main entry only; plugin-throttling uses the light build, and so do we.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
