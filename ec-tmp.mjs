const t0 = performance.now();
const echarts = await import('echarts/dist/echarts.esm.min.mjs');
const t1 = performance.now();
const c = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 700, height: 250 });
c.setOption({ animation:false, legend:{}, xAxis:{type:'value',name:'time'}, yAxis:{type:'value',name:'share'}, series:[{type:'line',name:'v1',showSymbol:false,data:Array.from({length:60},(_,i)=>[i, i<20?1:i<40?0:1])}]});
const svg = c.renderToSVGString();
console.log('load', (t1-t0).toFixed(0), 'ms; render', (performance.now()-t1).toFixed(0), 'ms; svg', svg.length, 'bytes');
