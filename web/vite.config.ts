import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a running `stocktracker api` (API_PORT, default 8080);
// `npm run build` writes web/dist, which `stocktracker api` serves itself (WEB_ROOT).
const api = `http://127.0.0.1:${process.env.API_PORT ?? "8080"}`;

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: {
      "/api": api,
      "/ws": { target: api.replace("http", "ws"), ws: true },
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
