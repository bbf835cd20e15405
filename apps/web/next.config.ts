import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources (and the generated Prisma client imports .ts files).
  transpilePackages: ['@sankey/shared', '@sankey/db'],
  poweredByHeader: false,
};

export default config;
