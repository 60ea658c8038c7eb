// The single-file ESM build of ECharts (one file loads several times faster than the ~900 files
// behind `echarts`' main entry); same API and types as the package's main entry.
declare module 'echarts/dist/echarts.esm.min.mjs' {
  export * from 'echarts';
}
