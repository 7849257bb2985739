import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = new URL('.', import.meta.url).pathname;

// `npm run build:web` writes web/dist, which `cloudtally serve` serves at /. For development run a server
// (npm start) and `npx vite --config web/vite.config.ts`; /api is proxied to CLOUDTALLY_URL.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': {
        target: globalThis.process?.env.CLOUDTALLY_URL ?? 'http://127.0.0.1:8080',
        changeOrigin: false,
      },
    },
  },
});
