// Prints `export NAME='value'` lines for the secrets named in BRAINTRUST_SECRET_ARNS (see secrets-wrapper).
// Uses the AWS SDK for JavaScript v3 that the Lambda Node.js runtimes include; no dependencies.
"use strict";

const NAME = /^[A-Z_][A-Z0-9_]*$/;

function shellQuote(value) {
  return "'" + String(value).replace(/'/g, "'\\''") + "'";
}

// mapping: {ENV_NAME: arn}; getSecret: async (arn) => string. Each ARN is read once.
async function render(mapping, getSecret) {
  const names = Object.keys(mapping).sort();
  const cache = new Map();
  const lines = [];
  for (const name of names) {
    if (!NAME.test(name)) {
      throw new Error(`invalid environment variable name in BRAINTRUST_SECRET_ARNS: ${name}`);
    }
    const arn = mapping[name];
    if (!cache.has(arn)) {
      cache.set(arn, await getSecret(arn));
    }
    const value = cache.get(arn);
    if (typeof value !== "string" || value.length === 0) {
      throw new Error(`secret for ${name} is empty or not a string`);
    }
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  return lines.join("\n") + "\n";
}

async function main() {
  const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient({});
  const mapping = JSON.parse(process.env.BRAINTRUST_SECRET_ARNS);
  const getSecret = async (arn) => (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  process.stdout.write(await render(mapping, getSecret));
}

module.exports = { render, shellQuote };

if (require.main === module) {
  main().catch((error) => {
    console.error(`braintrust secrets wrapper: ${error.message}`);
    process.exit(1);
  });
}
