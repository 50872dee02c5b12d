#!/usr/bin/env node
import './young-generation.js';
import { main } from './main.js';

await main();
