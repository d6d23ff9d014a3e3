import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// The /docs page is static (public/docs/) and loads Swagger UI from the same folder:
// there is no CDN at run time, so the needed swagger-ui-dist files are copied into
// dist/docs/ at build time instead of being committed.
function swaggerUiAssets(): Plugin {
  const files = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];
  return {
    name: 'mimicom-swagger-ui-assets',
    apply: 'build',
    closeBundle() {
      const from = resolve(here, 'node_modules/swagger-ui-dist');
      const to = resolve(here, 'dist/docs');
      mkdirSync(to, { recursive: true });
      for (const f of files) copyFileSync(join(from, f), join(to, f));
    },
  };
}

// During `vite` (dev), API calls go to a backend started separately (`mimicom serve`).
const backend = process.env.MIMICOM_DEV_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [swaggerUiAssets()],
  // ECharts (~545 kB, 184 kB gzipped, only the modules the dashboard and the segmentation page
  // use) is a chunk of its own, loaded with those two pages only: the limit is raised above it
  // so that a warning still means something grew.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': backend } },
});
