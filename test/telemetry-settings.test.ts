/** Telemetry settings from the environment: off unless asked for, and bad values named with the fix. */
import { metricsSettings, tracingSettings } from '../src/telemetry/settings';

it('traces only when the OTEL variables ask for it', () => {
  expect(tracingSettings({})).toBeUndefined();
  expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
    exporters: ['otlp'],
    protocol: 'http/protobuf',
  });
  expect(
    tracingSettings({ OTEL_TRACES_EXPORTER: 'console,otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
  ).toEqual({
    exporters: ['console', 'otlp'],
    protocol: 'http/json',
  });
  expect(
    tracingSettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }),
  ).toBeUndefined();
  expect(
    tracingSettings({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }),
  ).toBeUndefined();
});

it('refuses what it cannot do, naming the variable and what to use', () => {
  expect(() =>
    tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
  ).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf');
  expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
    'OTEL_TRACES_EXPORTER names "zipkin", which this worker does not have: use otlp, console or none.',
  );
  expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(
    /Invalid telemetry settings: OTEL_EXPORTER_OTLP_ENDPOINT/,
  );
  expect(() => metricsSettings({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: must be a port number/);
});

it('serves metrics where METRICS_PORT and METRICS_HOST say', () => {
  expect(metricsSettings({})).toBeUndefined();
  expect(metricsSettings({ METRICS_PORT: '9464' })).toEqual({ host: '127.0.0.1', port: 9464 });
  expect(metricsSettings({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toEqual({
    host: '0.0.0.0',
    port: 9464,
  });
});
