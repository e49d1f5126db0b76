import { propertySuite } from './suite';

propertySuite('macie');
